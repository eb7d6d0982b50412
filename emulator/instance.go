package emulator

import (
	"fmt"
	"os"
	"sync"

	"github.com/d1check/d1check/d1"
	"github.com/d1check/d1check/sim"
	"zombiezen.com/go/sqlite"
)

// maxParams is D1's limit on bound parameters per statement
// (platform/limits: 100). SQLite itself then reports "too many SQL
// variables at offset N", as the runtime does.
const maxParams = 100

// maxCachedSQL bounds each instance's prepared-statement cache. Workloads
// use a few parameterised statements; a client that inlines values into
// SQL text would otherwise grow the cache without bound.
const maxCachedSQL = 2048

// instance is one SQLite database — the primary or a replica — behind one
// mutex. One connection per instance serialises its requests; with two
// cores that costs nothing measurable (see the benchmarks) and it makes
// "which position did this read see" exact: the position and the rows are
// read under the same lock.
type instance struct {
	name     string // file stem: "primary", "replica-WEUR"
	region   string
	primary  bool
	servedBy string
	path     string
	clock    sim.Clock // times each statement (meta.duration)

	mu    sync.Mutex
	conn  *sqlite.Conn // nil once closed
	auth  *authorizer
	stmts map[string][]*part
	pos   uint64 // primary: last commit position; replica: last applied
	size  int64  // database size in bytes after the last change
	// pageSize is read once per connection.
	pageSize int64
	// applier applies replicated changesets (replicas and the checkpoint).
	applier applier
	// capture records the primary's row changes (nil on a replica).
	capture *capture
}

// part is one statement of a query's SQL text (D1's prepare() accepts a
// text holding several; they run in order).
type part struct {
	stmt   *sqlite.Stmt
	sql    string // this statement's own text, replayed by replicas for DDL
	offset int    // where it starts in the query's text, for error offsets
	info   stmtInfo
	// deferred marks the rest of a text that could not be compiled before
	// an earlier statement of it runs (CREATE TABLE t …; INSERT INTO t …):
	// stmt is nil and sql holds the rest, compiled once the schema
	// statements before it have run, as SQLite's own exec does.
	deferred bool
}

// connLife serialises opening and closing connections, to work around a
// race in zombiezen.com/go/sqlite (v1.4.2): Conn.Close frees the sqlite3
// handle before it deletes the handle's entry in the package's table of
// authorizers, so a connection opened meanwhile on another goroutine can
// get the same address, register its authorizer, and have it deleted by
// the closing one — its next statement then crashes in authTrampoline on a
// nil authorizer. Selftest runs dozens of emulators at once and hit it.
var connLife sync.Mutex

// open (re)opens the instance's connection with D1's settings.
func (in *instance) open() error {
	connLife.Lock()
	defer connLife.Unlock()
	flags := []sqlite.OpenFlags{sqlite.OpenReadWrite | sqlite.OpenCreate | sqlite.OpenNoMutex}
	if in.path == ":memory:" {
		flags[0] |= sqlite.OpenMemory
	} else {
		flags[0] |= sqlite.OpenWAL
	}
	in.applier.reset()
	c, err := sqlite.OpenConn(in.path, flags...)
	if err != nil {
		return fmt.Errorf("emulator: open %s: %w", in.name, err)
	}
	if err := configure(c, in.primary); err != nil {
		c.Close()
		return fmt.Errorf("emulator: open %s: %w", in.name, err)
	}
	in.conn, in.auth, in.stmts, in.pageSize = c, &authorizer{}, map[string][]*part{}, 0
	if err := c.SetAuthorizer(in.auth); err != nil {
		c.Close()
		return fmt.Errorf("emulator: open %s: %w", in.name, err)
	}
	if in.primary {
		if in.capture, err = newCapture(in); err != nil {
			c.Close()
			return fmt.Errorf("emulator: open %s: %w", in.name, err)
		}
	}
	return in.updateSize()
}

// configure applies D1's dialect to a fresh connection: 100 bound
// parameters, double-quoted strings accepted, foreign keys enforced on the
// primary. Replicas neither enforce foreign keys nor fire triggers: they
// only apply row changes the primary already checked and already expanded
// (cascades and trigger writes included).
func configure(c *sqlite.Conn, primary bool) error {
	c.Limit(sqlite.LimitVariableNumber, maxParams)
	for _, op := range []int32{configDQSDML, configDQSDDL} {
		if err := dbConfig(c, op, true); err != nil {
			return err
		}
	}
	if !primary {
		return dbConfig(c, configEnableTrigger, false)
	}
	return execScript(c, "PRAGMA foreign_keys = ON")
}

// close finalizes every statement and closes the connection. The caller
// holds in.mu.
func (in *instance) close() error {
	if in.conn == nil {
		return nil
	}
	in.dropStmts()
	if in.capture != nil {
		in.capture.close()
		in.capture = nil
	}
	connLife.Lock()
	err := in.conn.Close()
	connLife.Unlock()
	in.conn = nil
	return err
}

// remove deletes the instance's files (for a restart from scratch).
func (in *instance) remove() error {
	if in.path == ":memory:" {
		return nil
	}
	for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
		if err := os.Remove(in.path + suffix); err != nil && !os.IsNotExist(err) {
			return err
		}
	}
	return nil
}

func (in *instance) dropStmts() {
	for _, ps := range in.stmts {
		for _, p := range ps {
			p.stmt.Finalize()
		}
	}
	clear(in.stmts)
}

// internal runs the emulator's own SQL, which the authorizer must not
// refuse or classify. The caller holds in.mu.
func (in *instance) internal(f func(c *sqlite.Conn) error) error {
	in.auth.internal = true
	defer func() { in.auth.internal = false }()
	return f(in.conn)
}

// exec runs one internal statement, prepared once and cached.
func (in *instance) exec(sql string) error {
	return in.internal(func(c *sqlite.Conn) error { return execCached(c, sql) })
}

// execCached runs one statement through zombiezen's statement cache, so
// that BEGIN and COMMIT are not parsed again on every request.
func execCached(c *sqlite.Conn, sql string) error {
	st, err := c.Prepare(sql)
	if err != nil {
		return err
	}
	_, err = stepAll(st, nil)
	st.Reset()
	return err
}

// updateSize records the database size for meta.size_after. (A plain
// PRAGMA: the pragma_page_count() table function re-prepares its PRAGMA
// on every call.)
func (in *instance) updateSize() error {
	return in.internal(func(c *sqlite.Conn) error {
		if in.pageSize == 0 {
			n, err := pragmaInt(c, "PRAGMA page_size")
			if err != nil {
				return err
			}
			in.pageSize = n
		}
		n, err := pragmaInt(c, "PRAGMA page_count")
		in.size = n * in.pageSize
		return err
	})
}

func pragmaInt(c *sqlite.Conn, sql string) (int64, error) {
	st, err := c.Prepare(sql)
	if err != nil {
		return 0, err
	}
	defer st.Reset()
	ok, err := st.Step()
	if err != nil || !ok {
		return 0, fmt.Errorf("emulator: %s: %v", sql, err)
	}
	return st.ColumnInt64(0), nil
}

// execScript runs every statement of sql, discarding rows.
func execScript(c *sqlite.Conn, sql string) error {
	for rest := sql; ; {
		st, trailing, err := c.PrepareTransient(rest)
		if err != nil {
			return err
		}
		_, err = stepAll(st, nil)
		st.Finalize()
		if err != nil {
			return err
		}
		if trailing == 0 || isBlank(rest[len(rest)-trailing:]) {
			return nil
		}
		rest = rest[len(rest)-trailing:]
	}
}

// stepAll steps st to completion, passing each row to row when it is set.
func stepAll(st *sqlite.Stmt, row func(*sqlite.Stmt)) (int, error) {
	n := 0
	for {
		ok, err := st.Step()
		if err != nil {
			return n, err
		}
		if !ok {
			return n, nil
		}
		n++
		if row != nil {
			row(st)
		}
	}
}

// isBlank reports whether sql holds no statement: only whitespace,
// semicolons and comments.
func isBlank(sql string) bool { return d1.SkipBlank(sql) == "" }

// meta is the part of meta that names the serving instance.
func (in *instance) meta() d1.Meta {
	return d1.Meta{ServedBy: in.servedBy, ServedByRegion: in.region, ServedByPrimary: in.primary}
}
