package emulator

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"

	"modernc.org/libc"
	lib "modernc.org/sqlite/lib"
	"zombiezen.com/go/sqlite"
)

// capture records the primary's row changes through SQLite's preupdate
// hook and writes them out as the changeset SQLite's session extension
// would have written for the same transaction (same rows, same values,
// same rules for folding several changes of one row into one), so that
// replicas, the checkpoint and the planted bugs read the log as before.
//
// Why not the session extension itself: a session reads each table's
// columns (PRAGMA table_info) when it first sees the table and prepares a
// SELECT per table when it writes its changeset, and a session lives for
// one transaction, so every commit paid for two compilations per table —
// about half of what a single-row INSERT cost the primary. The capture
// keeps the table's shape until the schema changes and its SELECT in the
// connection's statement cache.
//
// The rules are the session's (sqlite.org/sessionintro.html and its
// source): a row is known by its primary key; the first change of a row
// fixes its operation and, for an UPDATE or a DELETE, its old values; an
// UPDATE also counts as an INSERT of the key it writes (so a key change is
// a DELETE plus an INSERT); a row whose key holds a NULL is ignored. When
// the changeset is written each row is looked up as it is now: an INSERT
// still there is an INSERT of its present values, an UPDATE or DELETE whose
// row is there is an UPDATE of the columns that differ (nothing if none
// does), one whose row is gone is a DELETE of its old values. Reading the
// present values, rather than keeping the hook's new ones, is what keeps a
// statement that failed and was rolled back out of the changeset.
//
// SQLite's own tables (sqlite_sequence, sqlite_stat1) are not recorded:
// the first has no primary key, so sessions skip it too, and the second is
// written only by ANALYZE, which replicas run themselves.
type capture struct {
	in  *instance
	tls *libc.TLS
	db  uintptr
	id  uintptr // this capture's key in captures
	// slot is C memory for the sqlite3_value* preupdate_old/new write
	// (the transpiled C may not be handed Go memory: checkptr refuses it).
	slot uintptr

	on      bool  // recording: between start and flush or stop
	err     error // the first failure inside the hook, for flush
	tables  map[string]*capTable
	touched []*capTable // tables with rows in this recording, in first-touch order
	key     []byte      // scratch: a row's key, encoded
}

// capTable is what the capture knows of one table: its shape (kept until
// the schema changes) and the rows of the current recording.
type capTable struct {
	name  string
	cols  []string // the recorded columns (generated ones are not), in order
	idx   []int32  // each recorded column's index in the preupdate calls
	pk    []byte   // each column's place in the primary key, 0 if not in it
	total int32    // every column, generated ones included: preupdate_count
	sel   string   // reads a row's present values by key

	rows  map[string]*capRow
	order []*capRow
}

// capRow is one row of a recording.
type capRow struct {
	op       byte // the first change's: csInsert, csUpdate or csDelete
	indirect bool // only changed by triggers or foreign-key actions
	key      []csValue
	old      []csValue // every recorded column before the first change; nil for an INSERT
}

// captures maps the preupdate hook's argument to its capture. The hook
// receives an integer, not a Go pointer, since C memory may not hold one.
var (
	captures  sync.Map // uintptr → *capture
	captureID atomic.Uintptr
)

// newCapture installs the hook on the primary's connection.
func newCapture(in *instance) (*capture, error) {
	tls, db, err := rawHandle(in.conn)
	if err != nil {
		return nil, err
	}
	slot := libc.Xmalloc(tls, 8)
	if slot == 0 {
		return nil, fmt.Errorf("emulator: preupdate hook: cannot allocate memory")
	}
	c := &capture{in: in, tls: tls, db: db, id: captureID.Add(1), slot: slot, tables: map[string]*capTable{}}
	captures.Store(c.id, c)
	lib.Xsqlite3_preupdate_hook(tls, db, cFuncPointer(preupdateHook), c.id)
	return c, nil
}

// close removes the hook; the connection is closed next.
func (c *capture) close() {
	lib.Xsqlite3_preupdate_hook(c.tls, c.db, 0, 0)
	captures.Delete(c.id)
	libc.Xfree(c.tls, c.slot)
}

// cFuncPointer turns a Go function declared at package level into the
// function pointer the transpiled C calls. A Go func value is a pointer to
// a word holding the code's address (go.dev/s/go11func), and the C side
// calls through that same representation, so the word is what it needs.
// Closures would need their context kept alive; package-level functions
// live in read-only data and never move.
func cFuncPointer[T any](f T) uintptr {
	return *(*uintptr)(unsafe.Pointer(&struct{ f T }{f}))
}

// preupdateHook is SQLite's callback before each row a statement inserts,
// updates or deletes. It cannot return an error: the first is kept for
// flush, which fails the request.
func preupdateHook(tls *libc.TLS, arg, db uintptr, op int32, zDb, zName uintptr, _, _ int64) {
	v, ok := captures.Load(arg)
	if !ok {
		return
	}
	c := v.(*capture)
	if !c.on || c.err != nil || libc.GoString(zDb) != "main" {
		return
	}
	name := libc.GoString(zName)
	if strings.HasPrefix(strings.ToLower(name), "sqlite_") {
		return
	}
	if err := c.record(tls, byte(op), name); err != nil {
		c.err = fmt.Errorf("emulator: record a change to table %s: %w", name, err)
	}
}

// record notes one preupdate event on table name.
func (c *capture) record(tls *libc.TLS, op byte, name string) error {
	t, err := c.table(name, lib.Xsqlite3_preupdate_count(tls, c.db))
	if err != nil || t == nil {
		return err
	}
	indirect := lib.Xsqlite3_preupdate_depth(tls, c.db) > 0
	if err := c.touch(tls, t, op, indirect); err != nil {
		return err
	}
	if op == csUpdate {
		// The row the UPDATE writes, under its new key: the same row
		// when the key did not change, otherwise a new one.
		return c.touch(tls, t, csInsert, indirect)
	}
	return nil
}

// touch records that the row changed by op, unless it changed already in
// this recording. The row's key is in its new values for an INSERT, in its
// old ones otherwise.
func (c *capture) touch(tls *libc.TLS, t *capTable, op byte, indirect bool) error {
	c.key = c.key[:0]
	var key []csValue
	for i, p := range t.pk {
		if p == 0 {
			continue
		}
		v, err := c.value(tls, t.idx[i], op == csInsert)
		if err != nil {
			return err
		}
		if v.kind == csNull {
			return nil // sessions ignore a row whose key holds a NULL
		}
		key = append(key, v)
		c.key = appendValue(c.key, v)
	}
	if r, ok := t.rows[string(c.key)]; ok {
		r.indirect = r.indirect && indirect
		return nil
	}
	r := &capRow{op: op, indirect: indirect, key: key}
	if op != csInsert {
		r.old = make([]csValue, len(t.idx))
		for i, idx := range t.idx {
			v, err := c.value(tls, idx, false)
			if err != nil {
				return err
			}
			r.old[i] = v
		}
	}
	if t.rows == nil {
		t.rows = map[string]*capRow{}
	}
	if len(t.order) == 0 {
		c.touched = append(c.touched, t)
	}
	t.rows[string(c.key)] = r
	t.order = append(t.order, r)
	return nil
}

// value reads column idx of the row being changed, before or after the
// change, as a changeset value holding its own copy of any bytes.
func (c *capture) value(tls *libc.TLS, idx int32, newValue bool) (csValue, error) {
	var rc int32
	if newValue {
		rc = lib.Xsqlite3_preupdate_new(tls, c.db, idx, c.slot)
	} else {
		rc = lib.Xsqlite3_preupdate_old(tls, c.db, idx, c.slot)
	}
	if rc != lib.SQLITE_OK {
		return csValue{}, sqlite.ResultCode(rc).ToError()
	}
	p := uintptr(binary.NativeEndian.Uint64(libc.GoBytes(c.slot, 8)))
	switch lib.Xsqlite3_value_type(tls, p) {
	case lib.SQLITE_INTEGER:
		return csValue{kind: csInteger, i: lib.Xsqlite3_value_int64(tls, p)}, nil
	case lib.SQLITE_FLOAT:
		return csValue{kind: csFloat, f: lib.Xsqlite3_value_double(tls, p)}, nil
	case lib.SQLITE_TEXT:
		s := lib.Xsqlite3_value_text(tls, p)
		// GoBytes aliases SQLite's memory, which the next step reuses.
		return csValue{kind: csText, b: bytes.Clone(libc.GoBytes(s, int(lib.Xsqlite3_value_bytes(tls, p))))}, nil
	case lib.SQLITE_BLOB:
		s := lib.Xsqlite3_value_blob(tls, p)
		n := int(lib.Xsqlite3_value_bytes(tls, p))
		if n == 0 {
			return csValue{kind: csBlob, b: []byte{}}, nil
		}
		return csValue{kind: csBlob, b: bytes.Clone(libc.GoBytes(s, n))}, nil
	default:
		return csValue{kind: csNull}, nil
	}
}

// table returns what the capture knows of table name, reading its shape
// when it has not yet, or when the hook's column count says the table
// changed since. A table without a primary key is nil: sessions skip it
// (and the primary refuses to create one: checkPrimaryKeys).
func (c *capture) table(name string, total int32) (*capTable, error) {
	if t, ok := c.tables[name]; ok && t.total == total {
		return t, nil
	}
	t := &capTable{name: name, total: total}
	err := c.internal(func(conn *sqlite.Conn) error {
		st, err := conn.Prepare("SELECT cid, name, pk, hidden FROM main.pragma_table_xinfo(?) ORDER BY cid")
		if err != nil {
			return err
		}
		defer st.Reset()
		st.BindText(1, name)
		_, err = stepAll(st, func(st *sqlite.Stmt) {
			if st.ColumnInt(3) != 0 {
				return // generated, or hidden: not in the changeset
			}
			t.idx = append(t.idx, st.ColumnInt32(0))
			t.cols = append(t.cols, st.ColumnText(1))
			t.pk = append(t.pk, byte(st.ColumnInt(2)))
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	var where []string
	for i, p := range t.pk {
		if p != 0 {
			where = append(where, quoteIdent(t.cols[i])+" = ?")
		}
	}
	if len(where) == 0 {
		return nil, nil
	}
	quoted := make([]string, len(t.cols))
	for i, col := range t.cols {
		quoted[i] = quoteIdent(col)
	}
	t.sel = "SELECT " + strings.Join(quoted, ", ") + " FROM main." + quoteIdent(name) + " WHERE " + strings.Join(where, " AND ")
	if old, ok := c.tables[name]; ok && len(old.order) > 0 {
		return nil, fmt.Errorf("table %s changed shape in the middle of a recording", name)
	}
	c.tables[name] = t
	return t, nil
}

// internal runs the capture's own SQL past the authorizer, keeping
// whatever the authorizer was doing (the hook runs inside a statement).
func (c *capture) internal(f func(*sqlite.Conn) error) error {
	was := c.in.auth.internal
	c.in.auth.internal = true
	defer func() { c.in.auth.internal = was }()
	return f(c.in.conn)
}

// start begins a recording.
func (c *capture) start() {
	c.on = true
}

// stop ends a recording and forgets its rows.
func (c *capture) stop() {
	c.on, c.err = false, nil
	for _, t := range c.touched {
		clear(t.rows)
		t.order = t.order[:0]
	}
	c.touched = c.touched[:0]
}

// forgetSchema drops every table's shape: after a schema statement.
func (c *capture) forgetSchema() {
	c.stop()
	clear(c.tables)
}

// changeset ends the recording and appends its changeset to out: nothing
// when no row changed.
func (c *capture) changeset(out []byte) ([]byte, error) {
	defer c.stop()
	err := c.internal(func(conn *sqlite.Conn) error {
		// FTS5 keeps new index entries in memory and writes them to its
		// shadow tables at COMMIT, after the changeset is written, or at
		// a savepoint: take one so that they are in it.
		if err := execCached(conn, "SAVEPOINT capture"); err != nil {
			return err
		}
		if err := execCached(conn, "RELEASE capture"); err != nil {
			return err
		}
		if c.err != nil { // from a statement, or from the flush just now
			return c.err
		}
		for _, t := range c.touched {
			var err error
			if out, err = c.writeTable(conn, out, t); err != nil {
				return fmt.Errorf("emulator: record changes to table %s: %w", t.name, err)
			}
		}
		return nil
	})
	return out, err
}

// writeTable appends t's header and its rows' changes, as each row is
// now; nothing when none of its rows ends up changed.
func (c *capture) writeTable(conn *sqlite.Conn, out []byte, t *capTable) ([]byte, error) {
	head := len(out)
	out, err := c.writeRows(conn, out, t)
	if err != nil {
		out = out[:head]
		if gone, gerr := tableGone(conn, t.name); gerr == nil && gone {
			// A schema statement of this recording dropped it: the
			// replicas drop it too, rows and all.
			return out, nil
		}
	}
	return out, err
}

func (c *capture) writeRows(conn *sqlite.Conn, out []byte, t *capTable) ([]byte, error) {
	st, err := conn.Prepare(t.sel)
	if err != nil {
		return out, err
	}
	head := len(out)
	out = append(out, 'T')
	out = appendVarint(out, uint64(len(t.pk)))
	out = append(out, t.pk...)
	out = append(out, t.name...)
	out = append(out, 0)
	body := len(out)
	now := make([]csValue, len(t.cols))
	for _, r := range t.order {
		for i, v := range r.key {
			bindValue(st, i+1, v)
		}
		found, err := st.Step()
		if found {
			for i := range now {
				now[i] = columnValue(st, i)
			}
		}
		switch {
		case err != nil:
		case found && r.op == csInsert:
			out = append(out, csInsert, indirectByte(r))
			for _, v := range now {
				out = appendValue(out, v)
			}
		case found:
			out = appendUpdate(out, r, t.pk, now)
		case r.op != csInsert:
			out = append(out, csDelete, indirectByte(r))
			for _, v := range r.old {
				out = appendValue(out, v)
			}
		}
		st.ClearBindings()
		if rerr := st.Reset(); err == nil {
			err = rerr
		}
		if err != nil {
			return out[:head], err
		}
	}
	if len(out) == body {
		out = out[:head]
	}
	return out, nil
}

// appendUpdate appends r as an UPDATE of the columns whose present value
// differs from the old one: the old record holds the key and those
// columns' old values, the new record their present ones, every other
// column undefined. No column differing is no change at all.
func appendUpdate(out []byte, r *capRow, pk []byte, now []csValue) []byte {
	start := len(out)
	out = append(out, csUpdate, indirectByte(r))
	changed := false
	for i, old := range r.old {
		if pk[i] != 0 || !sameValue(old, now[i]) {
			changed = changed || pk[i] == 0
			out = appendValue(out, old)
		} else {
			out = append(out, csUndefined)
		}
	}
	for i, old := range r.old {
		if pk[i] == 0 && !sameValue(old, now[i]) {
			out = appendValue(out, now[i])
		} else {
			out = append(out, csUndefined)
		}
	}
	if !changed {
		return out[:start]
	}
	return out
}

func indirectByte(r *capRow) byte {
	if r.indirect {
		return 1
	}
	return 0
}

// sameValue compares as the session does: same type and same bytes (an
// integer 1 and a float 1.0 differ).
func sameValue(a, b csValue) bool {
	if a.kind != b.kind {
		return false
	}
	switch a.kind {
	case csInteger:
		return a.i == b.i
	case csFloat:
		return math.Float64bits(a.f) == math.Float64bits(b.f) // 0.0 and -0.0 differ
	case csText, csBlob:
		return string(a.b) == string(b.b)
	}
	return true
}

// tableGone reports whether the main schema no longer has table name.
func tableGone(conn *sqlite.Conn, name string) (bool, error) {
	st, err := conn.Prepare("SELECT 1 FROM main.sqlite_schema WHERE type = 'table' AND name = ?")
	if err != nil {
		return false, err
	}
	defer st.Reset()
	st.BindText(1, name)
	found, err := st.Step()
	return !found, err
}

// columnValue reads result column i as a changeset value; its bytes are
// a copy.
func columnValue(st *sqlite.Stmt, i int) csValue {
	switch st.ColumnType(i) {
	case sqlite.TypeInteger:
		return csValue{kind: csInteger, i: st.ColumnInt64(i)}
	case sqlite.TypeFloat:
		return csValue{kind: csFloat, f: st.ColumnFloat(i)}
	case sqlite.TypeText:
		return csValue{kind: csText, b: []byte(st.ColumnText(i))}
	case sqlite.TypeBlob:
		b := make([]byte, st.ColumnLen(i))
		st.ColumnBytes(i, b)
		return csValue{kind: csBlob, b: b}
	default:
		return csValue{kind: csNull}
	}
}

// bindValue binds v to parameter n.
func bindValue(st *sqlite.Stmt, n int, v csValue) {
	switch v.kind {
	case csInteger:
		st.BindInt64(n, v.i)
	case csFloat:
		st.BindFloat(n, v.f)
	case csText:
		st.BindText(n, string(v.b))
	case csBlob:
		st.BindBytes(n, v.b)
	default:
		st.BindNull(n)
	}
}
