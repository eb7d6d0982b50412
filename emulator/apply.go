package emulator

import (
	"fmt"
	"strings"

	"zombiezen.com/go/sqlite"
)

// applier applies changesets to a replica (or the checkpoint) row by row,
// through INSERT, UPDATE and DELETE statements it builds once per table and
// shape and keeps prepared in the connection's statement cache.
//
// Why not sqlite3changeset_apply: it prepares its statements (and reads
// the table's columns) again on every call, about 46 µs, which was most of
// what a replica spent applying a small commit — and every commit is
// applied by six replicas and the checkpoint. With cached statements a row
// change costs one bind and one step.
//
// It keeps the applier's contract: a change that does not find the row it
// expects (a DELETE or UPDATE whose old values differ, or whose row is
// missing) is a conflict, and so is one that breaks a constraint once every
// other change of its changeset has been tried (SQLite retries those last
// too, since a changeset lists each table's rows in no particular order).
// Replicas neither fire triggers nor enforce foreign keys (instance.go), so
// a changeset, which already holds every row a trigger or a cascade
// changed on the primary, applies as it is.
type applier struct {
	cols map[string][]string // the table's column names, in column order
	sql  map[string]string   // statement text by key (see key)
	key  []byte              // scratch for building keys
}

// reset forgets what the applier knows of the schema: after a schema
// change, or on a new connection.
func (a *applier) reset() {
	clear(a.cols)
	clear(a.sql)
}

// conflictError is a change the replica could not apply: the replica no
// longer holds what the primary held.
type conflictError struct {
	kind  string // "not found", "data", "constraint"
	table string
}

func (e *conflictError) Error() string {
	return fmt.Sprintf("changeset conflict (%s) on table %s: the replica diverged from the primary", e.kind, e.table)
}

// applyChangeset applies cs to c, which must be in a transaction. tolerant
// (only a replica with a planted bug) skips conflicting changes instead of
// failing.
func (a *applier) applyChangeset(c *sqlite.Conn, cs []byte, tolerant bool) error {
	var retry []*change
	err := parseChangeset(cs, func(ch *change) error {
		err := a.applyOne(c, ch)
		if ce, ok := err.(*conflictError); ok && ce.kind == "constraint" {
			retry = append(retry, ch.clone())
			return nil
		}
		if _, ok := err.(*conflictError); ok && tolerant {
			return nil
		}
		return err
	})
	if err != nil {
		return err
	}
	for progress := true; len(retry) > 0 && progress; {
		progress = false
		rest := retry[:0]
		for _, ch := range retry {
			if err := a.applyOne(c, ch); err == nil {
				progress = true
			} else if _, ok := err.(*conflictError); ok {
				rest = append(rest, ch)
			} else {
				return err
			}
		}
		retry = rest
	}
	if len(retry) > 0 && !tolerant {
		return &conflictError{kind: "constraint", table: retry[0].table.name}
	}
	return nil
}

// applyOne applies one change.
func (a *applier) applyOne(c *sqlite.Conn, ch *change) error {
	st, err := a.stmt(c, ch)
	if err != nil {
		return err
	}
	n := 0
	bind := func(v csValue) {
		n++
		bindValue(st, n, v)
	}
	for _, v := range ch.new { // SET (UPDATE) or VALUES (INSERT)
		if v.kind != csUndefined {
			bind(v)
		}
	}
	for _, v := range ch.old { // WHERE (UPDATE, DELETE)
		if v.kind != csUndefined {
			bind(v)
		}
	}
	_, err = st.Step()
	st.Reset()
	switch {
	case sqlite.ErrCode(err).ToPrimary() == sqlite.ResultConstraint:
		return &conflictError{kind: "constraint", table: ch.table.name}
	case err != nil:
		return fmt.Errorf("apply a change to table %s: %w", ch.table.name, err)
	case ch.op != csInsert && c.Changes() != 1:
		// The row with these key and old values is not there: either
		// the key is missing or a value differs. Either way the replica
		// diverged; which one does not matter to anyone.
		return &conflictError{kind: "not found or different", table: ch.table.name}
	}
	return nil
}

// stmt returns the prepared statement for ch's table, operation and the
// columns it carries. The key names all three: one byte per column saying
// whether the change has its old value (1) and its new value (2).
func (a *applier) stmt(c *sqlite.Conn, ch *change) (*sqlite.Stmt, error) {
	k := append(a.key[:0], ch.op)
	for i := range ch.table.pk {
		var b byte = '0'
		if i < len(ch.old) && ch.old[i].kind != csUndefined {
			b |= 1
		}
		if i < len(ch.new) && ch.new[i].kind != csUndefined {
			b |= 2
		}
		k = append(k, b)
	}
	k = append(k, ch.table.name...)
	a.key = k
	sql, ok := a.sql[string(k)]
	if !ok {
		var err error
		if sql, err = a.build(c, ch); err != nil {
			return nil, err
		}
		if a.sql == nil {
			a.sql = map[string]string{}
		}
		a.sql[string(k)] = sql
	}
	return c.Prepare(sql)
}

// build writes the statement for ch: values bound in the order applyOne
// binds them, new values first, then old ones.
func (a *applier) build(c *sqlite.Conn, ch *change) (string, error) {
	cols, err := a.columns(c, ch.table)
	if err != nil {
		return "", err
	}
	tab := quoteIdent(ch.table.name)
	var set, where []string
	for i, v := range ch.new {
		if v.kind != csUndefined {
			set = append(set, quoteIdent(cols[i]))
		}
	}
	for i, v := range ch.old {
		if v.kind == csUndefined {
			continue
		}
		// A key is never NULL in a changeset (sessions skip such rows), so
		// "=" lets SQLite use the key's index; other columns may be NULL.
		op := " IS ?"
		if ch.table.pk[i] {
			op = " = ?"
		}
		where = append(where, quoteIdent(cols[i])+op)
	}
	switch ch.op {
	case csInsert:
		return "INSERT INTO " + tab + " (" + strings.Join(set, ", ") + ") VALUES (" +
			strings.TrimSuffix(strings.Repeat("?, ", len(set)), ", ") + ")", nil
	case csDelete:
		return "DELETE FROM " + tab + " WHERE " + strings.Join(where, " AND "), nil
	default:
		return "UPDATE " + tab + " SET " + strings.Join(set, " = ?, ") + " = ? WHERE " + strings.Join(where, " AND "), nil
	}
}

// columns returns t's column names in column order, read from the replica's
// own schema (which replication keeps identical to the primary's).
func (a *applier) columns(c *sqlite.Conn, t *csTable) ([]string, error) {
	if cols, ok := a.cols[t.name]; ok && len(cols) == len(t.pk) {
		return cols, nil
	}
	st, _, err := c.PrepareTransient("SELECT name FROM pragma_table_info(?) ORDER BY cid")
	if err != nil {
		return nil, err
	}
	defer st.Finalize()
	st.BindText(1, t.name)
	var cols []string
	for {
		row, err := st.Step()
		if err != nil {
			return nil, err
		}
		if !row {
			break
		}
		cols = append(cols, st.ColumnText(0))
	}
	if len(cols) != len(t.pk) {
		return nil, &conflictError{kind: fmt.Sprintf("the change has %d columns, the replica's table %d", len(t.pk), len(cols)), table: t.name}
	}
	if a.cols == nil {
		a.cols = map[string][]string{}
	}
	a.cols[t.name] = cols
	return cols, nil
}

func quoteIdent(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}
