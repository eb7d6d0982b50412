package emulator

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/d1check/d1check/d1"
	"zombiezen.com/go/sqlite"
)

// dump renders an instance's whole content (schema and every row) in a
// canonical order, so that two instances at the same position compare
// equal as strings.
func dump(t testing.TB, in *instance) string {
	t.Helper()
	in.mu.Lock()
	defer in.mu.Unlock()
	var lines []string
	err := in.internal(func(c *sqlite.Conn) error {
		var tables []string
		st, _, err := c.PrepareTransient("SELECT type, name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY name")
		if err != nil {
			return err
		}
		_, err = stepAll(st, func(st *sqlite.Stmt) {
			lines = append(lines, "schema "+st.ColumnText(1)+": "+st.ColumnText(2))
			if st.ColumnText(0) == "table" {
				tables = append(tables, st.ColumnText(1))
			}
		})
		st.Finalize()
		if err != nil {
			return err
		}
		for _, tbl := range tables {
			st, _, err := c.PrepareTransient(fmt.Sprintf("SELECT * FROM %q", tbl))
			if err != nil {
				return err
			}
			names := make([]string, st.ColumnCount())
			for i := range names {
				names[i] = st.ColumnName(i)
			}
			var rows []string
			_, err = stepAll(st, func(st *sqlite.Stmt) { rows = append(rows, fmt.Sprintf("%s %v", tbl, readRow(st, names))) })
			st.Finalize()
			if err != nil {
				return err
			}
			sort.Strings(rows)
			lines = append(lines, rows...)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("dump %s: %v", in.name, err)
	}
	return strings.Join(lines, "\n")
}

// assertReplicasMatch waits for replication and compares every replica's
// content with the primary's.
func assertReplicasMatch(t *testing.T, e *Emulator) {
	t.Helper()
	waitReplicated(t, e)
	want := dump(t, e.primary)
	for _, region := range d1.Regions {
		if got := dump(t, e.replicas[region].instance); got != want {
			t.Errorf("%s replica diverged:\n got %s\nwant %s", region, got, want)
		}
	}
}

// TestNoDivergence: replicas apply the primary's row changes, not its SQL,
// so non-deterministic SQL, triggers and cascades cannot diverge.
func TestNoDivergence(t *testing.T) {
	e := newEmu(t, Config{DefaultLag: Uniform(0, 5*time.Millisecond), Seed: 3})
	d := db(t, e, "")
	ctx := context.Background()
	run(t, d, `CREATE TABLE ev (id INTEGER PRIMARY KEY, at TEXT DEFAULT (strftime('%Y-%m-%d %H:%M:%f','now')), r INTEGER, blob BLOB)`)
	run(t, d, `CREATE TABLE audit (id INTEGER PRIMARY KEY AUTOINCREMENT, ev INTEGER, r INTEGER)`)
	run(t, d, `CREATE TRIGGER ev_audit AFTER INSERT ON ev BEGIN INSERT INTO audit (ev, r) VALUES (new.id, random()); END`)
	run(t, d, `CREATE TABLE parent (id INTEGER PRIMARY KEY)`)
	run(t, d, `CREATE TABLE child (id INTEGER PRIMARY KEY, p INTEGER REFERENCES parent(id) ON DELETE CASCADE)`)
	var wg sync.WaitGroup
	for c := 0; c < 4; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 25; i++ {
				s := d.WithSession("")
				if _, err := s.Batch(ctx, []*d1.Statement{
					s.Prepare(`INSERT INTO ev (r, blob) VALUES (random(), randomblob(8))`),
					s.Prepare(`UPDATE ev SET r = random() WHERE id = last_insert_rowid()`),
					s.Prepare(`INSERT INTO parent (id) VALUES (NULL)`),
					s.Prepare(`INSERT INTO child (p) VALUES (last_insert_rowid())`),
				}); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	run(t, d, `DELETE FROM parent WHERE id % 3 = 0`) // cascades into child
	run(t, d, `ALTER TABLE ev ADD COLUMN note TEXT DEFAULT 'x'`)
	run(t, d, `UPDATE ev SET note = hex(randomblob(4)) WHERE id % 2 = 0`)
	run(t, d, `DROP TABLE child`)
	assertReplicasMatch(t, e)
	if n := run(t, d, "SELECT count(*) AS n FROM audit").Results[0]["n"]; n != int64(100) {
		t.Errorf("audit rows = %v, want 100 (one per trigger firing)", n)
	}
}

// TestSchemaLags: a migration reaches replicas through the same ordered
// log as data, so a lagging replica says "no such table" right after it.
func TestSchemaLags(t *testing.T) {
	e := newEmu(t, Config{Lag: map[string]LagModel{"APAC": Constant(time.Hour)}})
	d := db(t, e, "")
	run(t, d, "CREATE TABLE t (id INTEGER PRIMARY KEY)")
	_, err := db(t, e, "APAC").WithSession("").Prepare("SELECT * FROM t").Run(context.Background())
	if err == nil || err.Error() != "D1_ERROR: no such table: t: SQLITE_ERROR" {
		t.Fatalf("read on the lagging replica: err = %v", err)
	}
	// The same read on a replica without lag succeeds.
	waitReplicatedExcept(t, e, "APAC")
	if _, err := db(t, e, "WEUR").WithSession("").Prepare("SELECT * FROM t").Run(context.Background()); err != nil {
		t.Fatalf("read on the up-to-date replica: %v", err)
	}
	// A write into the new table from APAC is still forwarded.
	if r := run(t, db(t, e, "APAC").WithSession(""), "INSERT INTO t VALUES (1)"); !r.Meta.ServedByPrimary {
		t.Error("write not forwarded")
	}
}

func waitReplicatedExcept(t *testing.T, e *Emulator, region string) {
	t.Helper()
	if err := e.PauseReplication(region); err != nil {
		t.Fatal(err)
	}
	waitReplicated(t, e)
	if err := e.ResumeReplication(region); err != nil {
		t.Fatal(err)
	}
}

// TestPauseResume: a paused replica stays at its position, serves stale
// reads, and catches up on resume with nothing lost.
func TestPauseResume(t *testing.T) {
	e := newEmu(t, Config{})
	schema(t, e)
	if err := e.PauseReplication("WEUR"); err != nil {
		t.Fatal(err)
	}
	d := db(t, e, "")
	for i := 0; i < 10; i++ {
		run(t, d, "INSERT INTO users (email) VALUES (?)", fmt.Sprint(i))
	}
	waitReplicated(t, e) // skips the paused replica
	st := replicaStatus(e, "WEUR")
	if !st.Paused || st.Position != 1 {
		t.Fatalf("paused WEUR = %+v", st)
	}
	if n := run(t, db(t, e, "WEUR").WithSession(""), "SELECT count(*) AS n FROM users").Results[0]["n"]; n != int64(0) {
		t.Errorf("paused replica served %v rows", n)
	}
	if err := e.ResumeReplication("WEUR"); err != nil {
		t.Fatal(err)
	}
	assertReplicasMatch(t, e)
	if st := replicaStatus(e, "WEUR"); st.Paused || st.Position != 11 {
		t.Errorf("resumed WEUR = %+v", st)
	}
}

// TestRestartReplica: a replica restarted from an older snapshot serves
// that older state, then catches up with nothing lost.
func TestRestartReplica(t *testing.T) {
	e := newEmu(t, Config{})
	schema(t, e)
	d := db(t, e, "")
	for i := 0; i < 5; i++ {
		run(t, d, "INSERT INTO users (email) VALUES (?)", fmt.Sprint(i))
	}
	waitReplicated(t, e)
	if err := e.PauseReplication("EEUR"); err != nil {
		t.Fatal(err)
	}
	if err := e.RestartReplica("EEUR", 3); err != nil {
		t.Fatal(err)
	}
	if st := replicaStatus(e, "EEUR"); st.Position != 3 {
		t.Fatalf("restarted EEUR at %d, want 3", st.Position)
	}
	if n := run(t, db(t, e, "EEUR").WithSession(""), "SELECT count(*) AS n FROM users").Results[0]["n"]; n != int64(2) {
		t.Errorf("snapshot at position 3 has %v rows, want 2", n)
	}
	if err := e.RestartReplica("EEUR", 9); err == nil {
		t.Error("restart from a position the replica never had was accepted")
	}
	if err := e.ResumeReplication("EEUR"); err != nil {
		t.Fatal(err)
	}
	assertReplicasMatch(t, e)
	if err := e.RestartReplica("EEUR", 0); err != nil {
		t.Fatal(err)
	}
	assertReplicasMatch(t, e)
}

// TestOnDisk: with Dir set every instance is a file, and a directory that
// already holds databases is refused.
func TestOnDisk(t *testing.T) {
	dir := t.TempDir()
	e := newEmu(t, Config{Dir: dir})
	schema(t, e)
	run(t, db(t, e, ""), "INSERT INTO users (email) VALUES ('a')")
	if err := e.RestartReplica("OC", 1); err != nil {
		t.Fatal(err)
	}
	assertReplicasMatch(t, e)
	for _, name := range []string{"primary.db", "replica-OC.db", "replica-ENAM.db"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Error(err)
		}
	}
	if _, err := New(Config{Dir: dir}); err == nil || !strings.Contains(err.Error(), "already holds databases") {
		t.Errorf("reused directory: err = %v", err)
	}
}

// TestConcurrentClose: Close while clients run stops everything; later
// requests fail with a transport error, and Close is idempotent.
func TestConcurrentClose(t *testing.T) {
	e, err := New(Config{DefaultLag: Uniform(0, time.Millisecond)})
	if err != nil {
		t.Fatal(err)
	}
	schema(t, e)
	var wg sync.WaitGroup
	for c := 0; c < 8; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d, _ := e.Database(d1.Regions[c%6])
			for i := 0; ; i++ {
				s := d.WithSession("")
				if _, err := s.Prepare("INSERT INTO users (email) VALUES (?)").Bind(fmt.Sprint(c, "-", i)).Run(context.Background()); err != nil {
					if !d1.Indeterminate(err) {
						t.Errorf("error while closing: %v", err)
					}
					return
				}
				s.Prepare("SELECT count(*) FROM users").Run(context.Background())
			}
		}()
	}
	time.Sleep(20 * time.Millisecond)
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if err := e.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := db(t, e, "").Prepare("SELECT 1").Run(context.Background()); !d1.Indeterminate(err) {
		t.Errorf("after Close: err = %v", err)
	}
	if err := e.PauseReplication("OC"); err == nil {
		t.Error("Pause after Close accepted")
	}
}

// TestReplicatesEdges: what the primary's capture must get right beyond
// plain rows. FTS5 writes its index pages at COMMIT (a replica that missed
// them finds nothing with MATCH), ANALYZE writes sqlite_stat1 (replicas
// run it themselves), DROP TABLE of a parent cascades into its children,
// DROP COLUMN rewrites every row, a key changes, and a request that
// changed the schema and failed is rolled back, table shapes and all.
func TestReplicatesEdges(t *testing.T) {
	e := newEmu(t, Config{DefaultLag: Uniform(0, 5*time.Millisecond), Seed: 5})
	d := db(t, e, "")
	ctx := context.Background()
	run(t, d, `CREATE VIRTUAL TABLE docs USING fts5 (body)`)
	run(t, d, `INSERT INTO docs (body) VALUES ('replicated emulator'), ('magic code')`)
	run(t, d, `CREATE TABLE parent (id INTEGER PRIMARY KEY, v TEXT)`)
	run(t, d, `CREATE TABLE child (id INTEGER PRIMARY KEY, p INTEGER REFERENCES parent (id) ON DELETE CASCADE ON UPDATE CASCADE, w TEXT, gone TEXT)`)
	run(t, d, `CREATE INDEX child_p ON child (p)`)
	run(t, d, `INSERT INTO parent VALUES (1, 'p'), (2, 'p'), (3, 'p')`)
	for i := 1; i <= 6; i++ {
		run(t, d, fmt.Sprintf(`INSERT INTO child VALUES (%d, %d, 'c', 'x')`, i, i%3+1))
	}
	run(t, d, `UPDATE parent SET id = 10 WHERE id = 2`) // a key change that cascades
	run(t, d, `ANALYZE`)
	run(t, d, `ALTER TABLE child DROP COLUMN gone`)
	s := d.WithSession("first-primary")
	if _, err := s.Batch(ctx, []*d1.Statement{
		s.Prepare(`ALTER TABLE child RENAME COLUMN w TO w2`),
		s.Prepare(`INSERT INTO child (id, p, w2) VALUES (100, 1, 'n')`),
		s.Prepare(`INSERT INTO child (id, p, w2) VALUES (100, 1, 'dup')`), // fails: the batch is undone
	}); err == nil {
		t.Fatal("the batch with a duplicate key succeeded")
	}
	run(t, d, `UPDATE child SET w = 'after rollback' WHERE id = 1`) // w, not w2
	run(t, d, `INSERT INTO docs (body) VALUES ('another magic')`)
	assertReplicasMatch(t, e)
	r, err := db(t, e, "APAC").WithSession("first-unconstrained").Prepare(`SELECT count(*) AS n FROM docs WHERE docs MATCH 'magic'`).Run(ctx)
	if err != nil || r.Meta.ServedByPrimary || r.Results[0]["n"] != int64(2) {
		t.Fatalf("MATCH on a replica: %v, %+v; want 2 rows from the replica", err, r)
	}
	run(t, d, `DROP TABLE parent`) // foreign keys on: an implicit DELETE, cascading
	assertReplicasMatch(t, e)
	if n := run(t, d, "SELECT count(*) AS n FROM child").Results[0]["n"]; n != int64(0) {
		t.Errorf("child rows after DROP TABLE parent = %v, want 0 (cascaded)", n)
	}
}
