package emulator

import (
	"context"
	"strings"
	"testing"
	"time"
)

// Dropping and re-creating a table between runs must reach every replica.
// SQLite compiles DROP TABLE IF EXISTS of a missing table (and CREATE TABLE
// IF NOT EXISTS of an existing one) to a no-op; the emulator cached that
// statement as a read, and when the same text later did drop the table on
// the primary, nothing was logged: every replica diverged and stopped.
// Found by running the users workload twice on one emulator.
func TestSchemaStatementsThatWereNoOpsStillReplicate(t *testing.T) {
	emu, err := New(Config{DefaultLag: Constant(2 * time.Millisecond)})
	if err != nil {
		t.Fatal(err)
	}
	defer emu.Close()
	db, _ := emu.Database("")
	ctx := context.Background()
	for round := range 3 {
		for _, q := range []string{
			"DROP TABLE IF EXISTS t",
			"CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT)",
			"CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT)", // a no-op the second time
		} {
			if _, err := db.Prepare(q).Run(ctx); err != nil {
				t.Fatalf("round %d: %s: %v", round, q, err)
			}
		}
		for range 5 {
			if _, err := db.Prepare("INSERT INTO t (v) VALUES (?)").Bind("x").Run(ctx); err != nil {
				t.Fatalf("round %d: insert: %v", round, err)
			}
		}
	}
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := emu.WaitReplicated(wctx); err != nil {
		for _, st := range emu.Status().Replicas {
			t.Logf("%s at %d: %s", st.Region, st.Position, st.Error)
		}
		t.Fatal(err)
	}
	for _, region := range []string{"WEUR", "APAC"} {
		rdb, _ := emu.Database(region)
		row, err := rdb.WithSession("").Prepare("SELECT count(*) AS n, max(id) AS m FROM t").First(ctx)
		if err != nil {
			t.Fatalf("%s: %v", region, err)
		}
		if n, _ := row.Int("n"); n != 5 {
			t.Errorf("%s replica has %d rows, want the last round's 5", region, n)
		}
	}
}

func TestIsSchemaStatement(t *testing.T) {
	for sql, want := range map[string]bool{
		"DROP TABLE IF EXISTS t":               true,
		"  -- migrate\n create table t (x)":    true,
		"/* c */ALTER TABLE t ADD COLUMN y":    true,
		"select * from dropped":                false,
		"INSERT INTO t (create) VALUES (1)":    false,
		"WITH x AS (SELECT 1) SELECT * FROM x": false,
		"":                                     false,
	} {
		if got := isSchemaStatement(sql); got != want {
			t.Errorf("isSchemaStatement(%q) = %v, want %v", sql, got, want)
		}
	}
}

// One prepare() may hold a whole script whose later statements only
// compile once the earlier ones ran, as Cloudflare's sessions template
// resets its table (DROP TABLE IF EXISTS …; CREATE TABLE …; INSERT …).
// wrangler dev runs every statement; so must the emulator, replicas
// included, and again when the table already exists.
func TestScriptInOnePrepareRunsEveryStatement(t *testing.T) {
	emu, err := New(Config{DefaultLag: Constant(time.Millisecond)})
	if err != nil {
		t.Fatal(err)
	}
	defer emu.Close()
	db, _ := emu.Database("")
	ctx := context.Background()
	script := "DROP TABLE IF EXISTS m; CREATE TABLE m (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO m (v) VALUES ('a'); INSERT INTO m (v) VALUES ('b')"
	for round := range 3 {
		if _, err := db.Prepare(script).Run(ctx); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		r, err := db.Prepare("SELECT count(*) AS n FROM m").First(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := r.Int("n"); n != 2 {
			t.Fatalf("round %d: %d rows in m, want 2 (the script ran whole, once)", round, n)
		}
	}
	if _, err := db.Prepare("DROP TABLE IF EXISTS z; CREATE TABLE z (id INTEGER PRIMARY KEY); INSERT INTO z VALUES (?)").Run(ctx); err == nil ||
		!strings.Contains(err.Error(), "Wrong number of parameter bindings") {
		t.Fatalf("a script statement missing its parameter: %v, want D1's parameter count error", err)
	}
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := emu.WaitReplicated(wctx); err != nil {
		t.Fatal(err)
	}
	s := emu.Status()
	for _, r := range s.Replicas {
		if r.Error != "" {
			t.Fatalf("replica %s stopped: %s", r.Region, r.Error)
		}
	}
	rdb, _ := emu.Database("APAC")
	r, err := rdb.WithSession("first-unconstrained").Prepare("SELECT group_concat(v) AS vs FROM m").First(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if vs, _ := r.String("vs"); vs != "a,b" {
		t.Fatalf("APAC replica has %q, want a,b", vs)
	}
}
