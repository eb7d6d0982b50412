package worker_test

// Tests against a real driver Worker on workerd. They run only when
// D1CHECK_WORKER_URL is set — scripts/test-worker.sh starts
// `wrangler dev --local` and sets it — and skip, saying so, otherwise.

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/d1check/d1check/d1"
	"github.com/d1check/d1check/emulator"
	"github.com/d1check/d1check/targets/worker"
)

const envURL = "D1CHECK_WORKER_URL"

var bg = context.Background()

// workerd is the driver under test, or a skip.
func workerd(t testing.TB) *worker.Client {
	t.Helper()
	url := os.Getenv(envURL)
	if url == "" {
		t.Skipf("%s is not set: run scripts/test-worker.sh to test against workerd", envURL)
	}
	c, err := worker.New(url, worker.Options{Secret: os.Getenv("D1CHECK_WORKER_SECRET"), Timeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	st, err := c.Ping(bg)
	if err != nil {
		t.Fatal(err)
	}
	if st.Runtime != "workerd" {
		t.Fatalf("%s is a %s driver, want workerd", url, st.Runtime)
	}
	return c
}

// fresh is a table name no earlier run used: the local database persists
// while wrangler runs.
func fresh(prefix string) string { return fmt.Sprintf("%s_%d", prefix, time.Now().UnixNano()) }

func mustRun(t testing.TB, p interface{ Prepare(string) *d1.Statement }, sql string, args ...any) d1.Result {
	t.Helper()
	r, err := p.Prepare(sql).Bind(args...).Run(bg)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return r
}

func TestWorkerdBookmarks(t *testing.T) {
	db := workerd(t).Database()
	tbl := fresh("bm")
	s := db.WithSession(d1.FirstPrimary)
	if _, ok := s.Bookmark(); ok {
		t.Fatal("a first-primary session has a bookmark before its first query")
	}
	mustRun(t, s, "CREATE TABLE "+tbl+" (k INTEGER PRIMARY KEY, v TEXT)")
	prev := ""
	for i := 0; i < 20; i++ {
		sql := "SELECT v FROM " + tbl + " WHERE k = ?"
		if i%2 == 0 {
			sql = "INSERT INTO " + tbl + " (k, v) VALUES (?, 'x')"
		}
		mustRun(t, s, sql, i)
		b, ok := s.Bookmark()
		if !ok {
			t.Fatal("no bookmark after a query")
		}
		if _, err := d1.ParseBookmark(b); err != nil {
			t.Fatalf("workerd's bookmark does not have D1's format: %v", err)
		}
		if prev != "" && d1.CompareBookmarks(prev, b) > 0 {
			t.Fatalf("bookmark went back from %s to %s", prev, b)
		}
		if i%2 == 0 && prev != "" && d1.CompareBookmarks(prev, b) == 0 {
			t.Fatalf("a write left the bookmark at %s", b)
		}
		prev = b
	}
	// A session started from a bookmark reports it at once, and a future
	// bookmark comes back unchanged (the session keeps the maximum).
	future := d1.NewBookmark(1 << 40)
	fs := db.WithSession(future)
	mustRun(t, fs, "SELECT 1")
	if b, _ := fs.Bookmark(); b != future {
		t.Fatalf("future bookmark came back as %s", b)
	}
	// Plain env.DB: no bookmark.
	r := mustRun(t, db, "SELECT count(*) AS n FROM "+tbl)
	if n, _ := r.Results[0].Int("n"); n != 10 {
		t.Fatalf("count %v", r.Results)
	}
}

// workerd's error strings are D1's (docs/d1-semantics.md#errors), and the
// emulator's are the same for the same statements.
func TestWorkerdErrorStrings(t *testing.T) {
	db := workerd(t).Database()
	emu, err := emulator.New(emulator.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer emu.Close()
	edb, _ := emu.Database("")
	u, kv := fresh("u"), fresh("kv")
	setup := []string{
		"CREATE TABLE " + u + " (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE)",
		"CREATE TABLE " + kv + " (k TEXT PRIMARY KEY, v INTEGER)",
		"INSERT INTO " + u + " (email) VALUES ('a@x.test')",
		"INSERT INTO " + kv + " VALUES ('a', 1)",
	}
	for _, sql := range setup {
		mustRun(t, db, sql)
		mustRun(t, edb, sql)
	}
	cases := []struct{ sql, want string }{
		{"INSERT INTO " + u + " (email) VALUES ('a@x.test')", "D1_ERROR: UNIQUE constraint failed: " + u + ".email: SQLITE_CONSTRAINT (extended: SQLITE_CONSTRAINT_UNIQUE)"},
		{"INSERT INTO " + kv + " VALUES ('a', 2)", "D1_ERROR: UNIQUE constraint failed: " + kv + ".k: SQLITE_CONSTRAINT (extended: SQLITE_CONSTRAINT_PRIMARYKEY)"},
		{"SELEC 1", `D1_ERROR: near "SELEC": syntax error at offset 0: SQLITE_ERROR`},
		{"SELECT * FROM nope", "D1_ERROR: no such table: nope: SQLITE_ERROR"},
	}
	for _, c := range cases {
		for name, target := range map[string]*d1.Database{"workerd": db, "emulator": edb} {
			_, err := target.WithSession(d1.FirstPrimary).Prepare(c.sql).Run(bg)
			var de *d1.Error
			if !errors.As(err, &de) || de.Message != c.want || d1.Indeterminate(err) {
				t.Errorf("%s, %s:\n got  %v (%T)\n want %s", name, c.sql, err, err, c.want)
			}
		}
	}
	// 101 bound parameters: the runtime allows 100.
	q := "SELECT " + strings.TrimSuffix(strings.Repeat("?,", 101), ",")
	args := make([]any, 101)
	for i := range args {
		args[i] = i
	}
	_, err = db.Prepare(q).Bind(args...).Run(bg)
	if err == nil || !strings.HasPrefix(err.Error(), "D1_ERROR: too many SQL variables") {
		t.Errorf("101 parameters: %v", err)
	}
}

func TestWorkerdMetaAndValues(t *testing.T) {
	db := workerd(t).Database()
	tbl := fresh("vals")
	mustRun(t, db, "CREATE TABLE "+tbl+" (id INTEGER PRIMARY KEY, s TEXT, f REAL, b BLOB)")
	r := mustRun(t, db.WithSession(""), "INSERT INTO "+tbl+" (s, f, b) VALUES (?, ?, ?) RETURNING *", "héllo", 2.5, []byte{0, 1, 255})
	m := r.Meta
	if m.ServedBy != "miniflare.db" || !m.ServedByPrimary || m.ServedByRegion != "" || m.Changes != 1 || m.LastRowID != 1 || !m.ChangedDB || !r.Success {
		t.Fatalf("insert meta %+v", m)
	}
	row := r.Results[0]
	if b, ok := row["b"].([]byte); !ok || string(b) != "\x00\x01\xff" || row["s"] != "héllo" || row["f"] != 2.5 || row["id"] != int64(1) {
		t.Fatalf("row %#v", row)
	}
	// A batch is one transaction: a conflict rolls back the whole batch.
	_, err := db.Batch(bg, []*d1.Statement{
		db.Prepare("INSERT INTO " + tbl + " (id, s) VALUES (2, 'b')"),
		db.Prepare("INSERT INTO " + tbl + " (id, s) VALUES (1, 'dup')"),
	})
	if !d1.IsConstraint(err) {
		t.Fatalf("batch: %v", err)
	}
	if r := mustRun(t, db, "SELECT count(*) AS n FROM "+tbl); r.Results[0]["n"] != int64(1) {
		t.Fatalf("a failed batch left rows: %v", r.Results)
	}
}

// The Worker with D1CHECK_SECRET refuses a wrong secret before any query,
// and Ping says what to check.
func TestWorkerdWrongSecret(t *testing.T) {
	c := workerd(t)
	if os.Getenv("D1CHECK_WORKER_SECRET") == "" {
		t.Skip("the Worker under test has no secret")
	}
	bad, err := worker.New(c.URL(), worker.Options{Secret: "wrong"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bad.Ping(bg); err == nil || !strings.Contains(err.Error(), "D1CHECK_SECRET") {
		t.Fatalf("Ping with a wrong secret: %v", err)
	}
	_, err = bad.Database().Prepare("SELECT 1").Run(bg)
	var te *d1.TransportError
	if !errors.As(err, &te) || !strings.Contains(err.Error(), "401") {
		t.Fatalf("query with a wrong secret: %v (%T)", err, err)
	}
}
