package emulator

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/d1check/d1check/d1"
)

// TestErrorStrings checks D1's exact messages (reference: "Errors (exact
// strings, probed on workerd)").
func TestErrorStrings(t *testing.T) {
	e := newEmu(t, Config{})
	d := db(t, e, "")
	run(t, d, "CREATE TABLE u (id INTEGER PRIMARY KEY, email TEXT UNIQUE)")
	run(t, d, "CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT)")
	run(t, d, "INSERT INTO u (id, email) VALUES (1, 'a')")
	run(t, d, "INSERT INTO kv VALUES ('k', 'v')")
	params := make([]any, 101)
	for i := range params {
		params[i] = int64(i)
	}
	cases := []struct {
		sql       string
		args      []any
		want      string
		code, ext string
	}{
		{"INSERT INTO u (email) VALUES ('a')", nil, "D1_ERROR: UNIQUE constraint failed: u.email: SQLITE_CONSTRAINT (extended: SQLITE_CONSTRAINT_UNIQUE)", "SQLITE_CONSTRAINT", "SQLITE_CONSTRAINT_UNIQUE"},
		{"INSERT INTO kv VALUES ('k', 'w')", nil, "D1_ERROR: UNIQUE constraint failed: kv.k: SQLITE_CONSTRAINT (extended: SQLITE_CONSTRAINT_PRIMARYKEY)", "SQLITE_CONSTRAINT", "SQLITE_CONSTRAINT_PRIMARYKEY"},
		{"SELEC 1", nil, `D1_ERROR: near "SELEC": syntax error at offset 0: SQLITE_ERROR`, "SQLITE_ERROR", ""},
		{"SELECT * FROM nope", nil, "D1_ERROR: no such table: nope: SQLITE_ERROR", "SQLITE_ERROR", ""},
		{"SELECT " + strings.TrimSuffix(strings.Repeat("?,", 101), ","), params, "D1_ERROR: too many SQL variables at offset 207: SQLITE_ERROR", "SQLITE_ERROR", ""},
	}
	for _, region := range []string{"", "OC"} {
		for _, c := range cases {
			// Through plain access (primary) and a session in another
			// region (reads go to a replica): the same strings.
			var err error
			if region == "" {
				_, err = d.Prepare(c.sql).Bind(c.args...).Run(context.Background())
			} else {
				waitReplicated(t, e)
				_, err = db(t, e, region).WithSession("").Prepare(c.sql).Bind(c.args...).Run(context.Background())
			}
			var de *d1.Error
			if !errors.As(err, &de) {
				t.Fatalf("%s: err = %v (%T), want *d1.Error", c.sql, err, err)
			}
			if de.Message != c.want || de.Kind != d1.KindSQL || de.Code != c.code || de.Extended != c.ext {
				t.Errorf("%s (region %q):\n got %q %s %s\nwant %q %s %s", c.sql, region, de.Message, de.Code, de.Extended, c.want, c.code, c.ext)
			}
		}
	}
}

// TestErrorOffsetInLaterStatement: a text holding several statements
// reports offsets from the start of the text.
func TestErrorOffsetInLaterStatement(t *testing.T) {
	e := newEmu(t, Config{})
	_, err := db(t, e, "").Prepare("SELECT 1; SELEC 2").Run(context.Background())
	if err == nil || err.Error() != `D1_ERROR: near "SELEC": syntax error at offset 10: SQLITE_ERROR` {
		t.Fatalf("err = %v", err)
	}
}

func TestBadRequests(t *testing.T) {
	e := newEmu(t, Config{})
	d := db(t, e, "")
	ctx := context.Background()
	for _, c := range []struct {
		name, sql string
		args      []any
		want      string
	}{
		{"too many params", "SELECT ?", []any{1, 2}, "Wrong number of parameter bindings"},
		{"too few params", "SELECT ?, ?", []any{1}, "Wrong number of parameter bindings"},
		{"empty", "  ; -- nothing\n", nil, "no SQL statement"},
		{"transaction", "BEGIN", nil, "not authorized"},
		{"attach", "ATTACH DATABASE ':memory:' AS x", nil, "not authorized"},
		{"bad type", "SELECT ?", []any{struct{}{}}, "D1_TYPE_ERROR"},
	} {
		_, err := d.Prepare(c.sql).Bind(c.args...).Run(ctx)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want it to contain %q", c.name, err, c.want)
		}
	}
	tr, _ := e.Transport("")
	if _, err := tr.Query(ctx, d1.Request{Mode: d1.Mode(7), Statements: []d1.Query{{SQL: "SELECT 1"}}}); err == nil {
		t.Error("unknown mode accepted")
	}
	if _, err := tr.Query(ctx, d1.Request{Mode: d1.ModePlain, Statements: []d1.Query{{SQL: "SELECT ?", Params: []any{map[string]int{}}}}}); err == nil || !strings.Contains(err.Error(), "D1_TYPE_ERROR") {
		t.Errorf("unbindable param: err = %v", err)
	}
	// The emulator still works after all of that.
	if r := run(t, d, "SELECT 1 AS one"); r.Results[0]["one"] != int64(1) {
		t.Errorf("after errors: %v", r.Results)
	}
}

// TestNoPrimaryKeyRefused: the session extension ignores tables without a
// PRIMARY KEY, so the emulator refuses them rather than let replicas
// silently miss their rows; nothing of the refused request remains.
func TestNoPrimaryKeyRefused(t *testing.T) {
	e := newEmu(t, Config{})
	d := db(t, e, "")
	_, err := d.Prepare("CREATE TABLE t (a TEXT, b INTEGER)").Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "table t has no PRIMARY KEY") || !d1.IsConstraint(err) && !strings.HasPrefix(err.Error(), "D1_ERROR: emulator:") {
		t.Fatalf("err = %v", err)
	}
	if r := run(t, d, "SELECT count(*) AS n FROM sqlite_schema WHERE name = 't'"); r.Results[0]["n"] != int64(0) {
		t.Error("refused table exists")
	}
	if p := e.Status().Primary.Position; p != 0 {
		t.Errorf("refused DDL advanced the position to %d", p)
	}
	run(t, d, "CREATE TABLE ok1 (a TEXT PRIMARY KEY, b)")
	run(t, d, "CREATE TABLE ok2 (a, b, PRIMARY KEY (a, b)) WITHOUT ROWID")
}

// TestBatchRollback: a batch is one transaction; a failing statement rolls
// back the statements before it (reference: "Batches").
func TestBatchRollback(t *testing.T) {
	e := newEmu(t, Config{})
	schema(t, e)
	ctx := context.Background()
	s := db(t, e, "WEUR").WithSession("first-primary")
	before := e.Status().Primary.Position
	_, err := s.Batch(ctx, []*d1.Statement{
		s.Prepare("INSERT INTO users (id, email) VALUES (1, 'a')"),
		s.Prepare("INSERT INTO users (id, email) VALUES (1, 'b')"),
	})
	if !d1.IsConstraint(err) {
		t.Fatalf("batch err = %v, want a constraint error", err)
	}
	if n := run(t, db(t, e, ""), "SELECT count(*) AS n FROM users").Results[0]["n"]; n != int64(0) {
		t.Errorf("%v rows after a failed batch, want 0", n)
	}
	if p := e.Status().Primary.Position; p != before {
		t.Errorf("failed batch moved the position from %d to %d", before, p)
	}
	rs, err := s.Batch(ctx, []*d1.Statement{
		s.Prepare("INSERT INTO users (id, email) VALUES (1, 'a')"),
		s.Prepare("INSERT INTO users (id, email) VALUES (2, 'b')"),
		s.Prepare("SELECT count(*) AS n FROM users"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 3 || rs[2].Results[0]["n"] != int64(2) || rs[1].Meta.LastRowID != 2 {
		t.Errorf("batch results = %+v", rs)
	}
	// One batch, one commit.
	if p := e.Status().Primary.Position; p != before+1 {
		t.Errorf("batch moved the position to %d, want %d", p, before+1)
	}
}

// TestValues: rows carry int64, float64, string, []byte and nil; booleans
// bind as 1 and 0; double-quoted strings work as in D1.
func TestValues(t *testing.T) {
	e := newEmu(t, Config{})
	d := db(t, e, "")
	run(t, d, `CREATE TABLE v (id INTEGER PRIMARY KEY, i, f, s, b, n, t)`)
	run(t, d, `INSERT INTO v VALUES (1, ?, ?, ?, x'0102ff', NULL, ?)`, int64(1<<53-1), 1.5, "héllo", true)
	r := run(t, d, `SELECT i, f, s, b, n, t, datetime("now") IS NOT NULL AS dq FROM v`)
	row := r.Results[0]
	want := d1.Row{"i": int64(1<<53 - 1), "f": 1.5, "s": "héllo", "n": nil, "t": int64(1), "dq": int64(1)}
	for k, v := range want {
		if row[k] != v {
			t.Errorf("%s = %#v, want %#v", k, row[k], v)
		}
	}
	if b, _ := row["b"].([]byte); string(b) != "\x01\x02\xff" {
		t.Errorf("b = %#v", row["b"])
	}
	if r.Meta.RowsRead != 1 || r.Meta.SizeAfter <= 0 || r.Meta.Changes != 0 || r.Meta.ChangedDB {
		t.Errorf("meta = %+v", r.Meta)
	}
}
