package emulator

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/d1check/d1check/d1"
	"zombiezen.com/go/sqlite"
)

// commit runs a request that writes as one transaction on the primary and
// appends its row changes to the replication log: the request's new
// position is the returned one. Any failure rolls the whole request back,
// so a batch is atomic and the log never holds a change the primary lacks
// (unless the non-atomic-batch bug is planted: see keepPartialBatch).
// The caller holds p.mu.
func (e *Emulator) commit(qs []d1.Query, batch bool) ([]d1.Result, uint64, error) {
	p := e.primary
	if err := p.exec("BEGIN IMMEDIATE"); err != nil {
		return nil, 0, sqlError(err)
	}
	rec := &recorder{in: p}
	results, err := e.runWrite(rec, qs)
	var kept error // the failure a non-atomic batch reports after committing
	if err != nil && e.keepPartialBatch(batch, len(results)) {
		kept, err = err, nil
	}
	if err == nil {
		err = rec.flush()
	}
	if err == nil {
		if cerr := p.exec("COMMIT"); cerr != nil {
			err = sqlError(cerr)
		}
	}
	if err != nil {
		if !p.conn.AutocommitEnabled() {
			p.exec("ROLLBACK")
		}
		rec.stop(true)
		return nil, 0, err
	}
	rec.stop(false)
	p.pos++
	now := e.cfg.Clock.Now()
	e.log.append(&entry{pos: p.pos, at: now, ops: rec.ops})
	e.committed(now)
	p.updateSize()
	if kept != nil {
		return nil, p.pos, kept
	}
	for i := range results {
		results[i].Meta.SizeAfter = p.size
	}
	return results, p.pos, nil
}

// keepPartialBatch reports whether a batch whose statement failed after
// done statements succeeded commits them anyway: the non-atomic-batch BUG.
// The failing statement itself is undone by SQLite's statement rollback.
func (e *Emulator) keepPartialBatch(batch bool, done int) bool {
	return e.cfg.bugs.nonAtomicBatch && batch && done > 0 && !e.primary.conn.AutocommitEnabled()
}

// runWrite runs qs in order; on a failure it returns the results of the
// statements that succeeded before it with the error.
func (e *Emulator) runWrite(rec *recorder, qs []d1.Query) ([]d1.Result, error) {
	results := make([]d1.Result, 0, len(qs))
	for _, q := range qs {
		r, err := e.primary.run(q, rec)
		if err != nil {
			return results, err
		}
		results = append(results, r)
	}
	return results, nil
}

// recorder turns one write transaction into replication ops. Row changes
// are recorded by the primary's capture (capture.go) and written out as a
// changeset; a schema statement ends the current changeset, is logged as
// text, and its own side effects (cascading deletes of DROP TABLE) get a
// changeset of their own, so that replicas see changes and schema in the
// order the primary made them.
type recorder struct {
	in     *instance
	ops    []op
	buf    []byte
	schema bool // a schema statement ran: a rollback must forget table shapes
}

func (r *recorder) before(p *part) error {
	if p.info.replay {
		if err := r.flush(); err != nil {
			return err
		}
	}
	r.in.capture.start()
	return nil
}

func (r *recorder) after(p *part) error {
	if r.in.conn.AutocommitEnabled() {
		// A statement ended the transaction (RAISE(ROLLBACK), OR ROLLBACK):
		// the request is over and must not go on in autocommit mode.
		return emulatorError("the statement ended the request's transaction")
	}
	if !p.info.replay {
		return nil
	}
	// What a CREATE writes (FTS5's first shadow rows, the rows of CREATE
	// TABLE … AS SELECT) goes into tables the replica's own run of it
	// creates and fills the same way: only its text is logged, and
	// forgetSchema drops the recording with the tables' shapes.
	if d1.Keyword(p.sql) != "CREATE" {
		if err := r.flush(); err != nil {
			return err
		}
	}
	r.schema = true
	r.in.capture.forgetSchema()
	r.ops = append(r.ops, op{ddl: p.sql})
	return r.checkPrimaryKeys()
}

// flush ends the recording, logging its changeset if it has changes.
func (r *recorder) flush() error {
	var err error
	r.buf, err = r.in.capture.changeset(r.buf[:0])
	if err != nil {
		return err
	}
	if len(r.buf) > 0 {
		r.ops = append(r.ops, op{changeset: bytes.Clone(r.buf)})
	}
	return nil
}

// stop ends the recording without a changeset. After a rollback of a
// request that changed the schema, the tables' shapes the capture knows
// may be the rolled-back ones: it reads them again.
func (r *recorder) stop(rolledBack bool) {
	r.in.capture.stop()
	if rolledBack && r.schema {
		r.in.capture.forgetSchema()
	}
}

// checkPrimaryKeys refuses a schema change that leaves a table without a
// declared PRIMARY KEY. The capture, like SQLite's session extension,
// knows rows by their key and ignores such tables, so their rows would
// never reach the replicas: a silent divergence. This is
// a documented departure from D1, which accepts them. A virtual table
// (FTS5) has no key of its own but keeps its rows in shadow tables that
// do, and those are replicated like any other.
func (r *recorder) checkPrimaryKeys() error {
	var bad []string
	err := r.in.internal(func(c *sqlite.Conn) error {
		st, err := c.Prepare(`SELECT m.name FROM sqlite_schema AS m
			WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\_%' ESCAPE '\'
			AND m.sql NOT LIKE 'CREATE VIRTUAL TABLE%'
			AND NOT EXISTS (SELECT 1 FROM pragma_table_info(m.name) WHERE pk > 0)`)
		if err != nil {
			return err
		}
		_, err = stepAll(st, func(st *sqlite.Stmt) { bad = append(bad, st.ColumnText(0)) })
		st.Reset()
		return err
	})
	if err != nil {
		return sqlError(err)
	}
	if len(bad) > 0 {
		return emulatorError(fmt.Sprintf("table %s has no PRIMARY KEY: the replicated emulator copies row changes by primary key, as SQLite's session extension does, so declare one", strings.Join(bad, ", ")))
	}
	return nil
}
