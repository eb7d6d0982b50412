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
	rec.stop()
	if err == nil {
		if cerr := p.exec("COMMIT"); cerr != nil {
			err = sqlError(cerr)
		}
	}
	if err != nil {
		if !p.conn.AutocommitEnabled() {
			p.exec("ROLLBACK")
		}
		return nil, 0, err
	}
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
// are recorded with a session (attached to every table) and written out as
// a changeset; a schema statement ends the current changeset, is logged as
// text, and its own side effects (cascading deletes of DROP TABLE) get a
// changeset of their own, so that replicas see changes and schema in the
// order the primary made them.
type recorder struct {
	in  *instance
	s   *sqlite.Session
	ops []op
	buf bytes.Buffer
}

func (r *recorder) before(p *part) error {
	if p.info.replay {
		if err := r.flush(); err != nil {
			return err
		}
	}
	return r.start()
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
	if err := r.flush(); err != nil {
		return err
	}
	r.ops = append(r.ops, op{ddl: p.sql})
	return r.checkPrimaryKeys()
}

// start opens a session if none is open.
func (r *recorder) start() error {
	if r.s != nil {
		return nil
	}
	s, err := r.in.conn.CreateSession("")
	if err != nil {
		return err
	}
	if err := s.Attach(""); err != nil {
		s.Delete()
		return err
	}
	r.s = s
	return nil
}

// flush ends the open session, logging its changeset if it has changes.
func (r *recorder) flush() error {
	if r.s == nil {
		return nil
	}
	r.buf.Reset()
	err := r.in.internal(func(*sqlite.Conn) error { return r.s.WriteChangeset(&r.buf) })
	r.stop()
	if err != nil {
		return fmt.Errorf("emulator: record changes: %w", err)
	}
	if r.buf.Len() > 0 {
		r.ops = append(r.ops, op{changeset: bytes.Clone(r.buf.Bytes())})
	}
	return nil
}

func (r *recorder) stop() {
	if r.s != nil {
		r.s.Delete()
		r.s = nil
	}
}

// checkPrimaryKeys refuses a schema change that leaves a table without a
// declared PRIMARY KEY. SQLite's session extension ignores such tables, so
// their rows would never reach the replicas: a silent divergence. This is
// a documented departure from D1, which accepts them.
func (r *recorder) checkPrimaryKeys() error {
	var bad []string
	err := r.in.internal(func(c *sqlite.Conn) error {
		st, err := c.Prepare(`SELECT m.name FROM sqlite_schema AS m
			WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\_%' ESCAPE '\'
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
		return emulatorError(fmt.Sprintf("table %s has no PRIMARY KEY: the replicated emulator copies row changes with SQLite's session extension, which ignores such tables, so declare one", strings.Join(bad, ", ")))
	}
	return nil
}
