package workerd

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/d1check/d1check/d1"
	"github.com/d1check/d1check/emulator"
	"github.com/d1check/d1check/emulator/server"
)

// These tests hold the Go mirror of the binding (package d1, which every
// Go workload uses) to the real binding: the same operations through the
// probe Worker on workerd and through d1.Database, on one emulator, must
// send the same thing and give the same answer.

// recorder is a d1.Transport that remembers what the mirror sent and got.
type recorder struct {
	t    d1.Transport
	mu   sync.Mutex
	sent []string // request bookmarks ("" for plain)
	got  []string // response bookmarks
	mode []d1.Mode
	// hold, when set, keeps every request until hold of them were sent,
	// as Promise.all sends all its queries before any answer arrives.
	hold    int
	arrived int
	all     chan struct{}
}

func (r *recorder) Query(ctx context.Context, req d1.Request) (d1.Response, error) {
	if r.hold > 0 {
		r.mu.Lock()
		r.arrived++
		if r.arrived == r.hold {
			close(r.all)
		}
		r.mu.Unlock()
		<-r.all
	}
	resp, err := r.t.Query(ctx, req)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent = append(r.sent, req.Bookmark)
	r.mode = append(r.mode, req.Mode)
	if err == nil {
		r.got = append(r.got, resp.Bookmark)
	}
	return resp, err
}

func mirror(t *testing.T, s *served, region string) (*d1.Database, *recorder) {
	t.Helper()
	tr, err := s.emu.Transport(region)
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{t: tr}
	return d1.New(rec), rec
}

// since returns the binding queries traced after n entries.
func since(s *served, n int) []server.TraceEntry {
	var out []server.TraceEntry
	for _, e := range s.trace.Entries()[n:] {
		if e.Protocol == server.ProtocolBinding {
			out = append(out, e)
		}
	}
	return out
}

func bookmarkOf(p *string) (string, bool) {
	if p == nil {
		return "", false
	}
	return *p, true
}

func TestFidelityWithSessionArguments(t *testing.T) {
	s := serveEmulator(t, emulator.Config{})
	p := startProbe(t, s)
	object := map[string]any{"constraint": "first_unconditional"}
	cases := []struct {
		name string
		arg  any // the JavaScript argument; absent below means withSession()
		none bool
	}{
		{"object", object, false},
		{"misspelt constraint", "first_unconditional", false},
		{"padded first-primary", "  first-primary\t", false},
		{"first-unconstrained", "first-unconstrained", false},
		{"empty string", "", false},
		{"whitespace", "   ", false},
		{"null", nil, false},
		{"no argument", nil, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			body := map[string]any{"ops": []probeOp{{Op: "first", SQL: "SELECT 1 AS x"}}}
			if !c.none {
				body["session"] = c.arg
			}
			n := len(s.trace.Entries())
			real := probe(t, p, "WEUR", body)
			db, rec := mirror(t, s, "WEUR")
			sess, err := db.WithSessionArg(c.arg)
			if real.SessionError != "" || err != nil {
				want := real.Name + ": " + real.SessionError
				if err == nil || err.Error() != want {
					t.Fatalf("withSession(%v): binding threw %q, mirror %v", c.arg, want, err)
				}
				var de *d1.Error
				if !errors.As(err, &de) || de.Kind != d1.KindArgument {
					t.Fatalf("mirror error %v is not a KindArgument d1.Error", err)
				}
				if got := since(s, n); len(got) != 0 {
					t.Fatalf("the binding sent %d queries for a session that threw", len(got))
				}
				return
			}
			mb, mok := sess.Bookmark()
			rb, rok := bookmarkOf(real.Before)
			if mb != rb || mok != rok {
				t.Errorf("getBookmark() before any query: binding %q (set %v), mirror %q (set %v)", rb, rok, mb, mok)
			}
			if _, err := sess.Prepare("SELECT 1 AS x").First(ctx); err != nil {
				t.Fatal(err)
			}
			sent := since(s, n)
			if len(sent) != 1 || !sent[0].Session || sent[0].BookmarkIn != rec.sent[0] {
				t.Fatalf("the binding sent %+v, the mirror %q", sent, rec.sent)
			}
			ma, _ := sess.Bookmark()
			if ra, _ := bookmarkOf(real.After); ra != ma {
				t.Errorf("getBookmark() after: binding %q, mirror %q", ra, ma)
			}
		})
	}
}

func TestFidelityPlainEnvDBSendsNoToken(t *testing.T) {
	s := serveEmulator(t, emulator.Config{})
	p := startProbe(t, s)
	n := len(s.trace.Entries())
	real := probe(t, p, "APAC", map[string]any{"plain": true, "ops": []probeOp{{Op: "first", SQL: "SELECT 1 AS x"}}})
	if real.Before == nil || *real.Before != "no-getBookmark" {
		t.Errorf("plain env.DB has getBookmark (%v): the mirror's Database has none", real.Before)
	}
	sent := since(s, n)
	if len(sent) != 1 || sent[0].Session || sent[0].BookmarkIn != "" || !sent[0].Primary {
		t.Fatalf("plain env.DB sent %+v: want no commit token, served by the primary", sent)
	}
	db, rec := mirror(t, s, "APAC")
	if _, err := db.Prepare("SELECT 1 AS x").First(ctx); err != nil {
		t.Fatal(err)
	}
	if rec.mode[0] != d1.ModePlain || rec.sent[0] != "" {
		t.Fatalf("the mirror sent mode %v bookmark %q for plain env.DB", rec.mode[0], rec.sent[0])
	}
}

// Concurrent queries in one session: each sends the bookmark current when
// it starts and the session keeps the newest it gets back, whatever order
// the answers arrive in. WEUR's replica is paused, so its reads return an
// older bookmark than the write does.
func TestFidelityKeepsTheNewestBookmarkUnderPromiseAll(t *testing.T) {
	s := serveEmulator(t, emulator.Config{})
	p := startProbe(t, s)
	setup := probe(t, p, "WEUR", map[string]any{"plain": true, "ops": []probeOp{
		{Op: "run", SQL: "CREATE TABLE kv (k TEXT PRIMARY KEY, v INTEGER)"},
		{Op: "run", SQL: "INSERT INTO kv VALUES ('a', 1)"},
	}})
	for _, r := range setup.Results {
		if r.Error != "" {
			t.Fatal(r.Error)
		}
	}
	wctx, cancel := contextWithTimeout(10 * time.Second)
	defer cancel()
	if err := s.emu.WaitReplicated(wctx); err != nil {
		t.Fatal(err)
	}
	if err := s.emu.PauseReplication("WEUR"); err != nil {
		t.Fatal(err)
	}
	ops := []probeOp{{Op: "run", SQL: "UPDATE kv SET v = v + 1 WHERE k = 'a'"}}
	for range 6 {
		ops = append(ops, probeOp{Op: "first", SQL: "SELECT v FROM kv WHERE k = 'a'"})
	}
	for round := range 3 {
		n := len(s.trace.Entries())
		real := probe(t, p, "WEUR", map[string]any{"session": "first-unconstrained", "parallel": true, "ops": ops})
		var outs []string
		for _, e := range since(s, n) {
			outs = append(outs, e.BookmarkOut)
		}
		slices.Sort(outs)
		if len(slices.Compact(slices.Clone(outs))) < 2 {
			t.Fatalf("round %d: every query returned the same bookmark %v: the test needs a newer one from the write", round, outs)
		}
		if after, _ := bookmarkOf(real.After); after != outs[len(outs)-1] {
			t.Fatalf("round %d: binding kept %q, want the newest returned, %q (returned: %v)", round, after, outs[len(outs)-1], outs)
		}
		db, rec := mirror(t, s, "WEUR")
		rec.hold, rec.all = len(ops), make(chan struct{})
		sess := db.WithSession("first-unconstrained")
		var wg sync.WaitGroup
		for _, o := range ops {
			wg.Go(func() {
				if _, err := sess.Prepare(o.SQL).Run(ctx); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		got := slices.Clone(rec.got)
		slices.Sort(got)
		if mb, _ := sess.Bookmark(); mb != got[len(got)-1] {
			t.Fatalf("round %d: mirror kept %q, want the newest returned, %q", round, mb, got[len(got)-1])
		}
	}
	if err := s.emu.ResumeReplication("WEUR"); err != nil {
		t.Fatal(err)
	}
}

func TestFidelityBindTypes(t *testing.T) {
	s := serveEmulator(t, emulator.Config{})
	p := startProbe(t, s)
	probe(t, p, "ENAM", map[string]any{"plain": true, "ops": []probeOp{{Op: "run", SQL: "CREATE TABLE b (id INTEGER PRIMARY KEY, v)"}}})
	cases := []struct {
		name   string
		js     any // the parameter the probe binds
		goVal  any // the same value in Go
		stored string
	}{
		{"object", map[string]any{"$object": map[string]any{"a": 1}}, map[string]any{"a": 1}, ""},
		{"array of non-bytes", []any{1, "x"}, []any{1, "x"}, ""},
		{"array out of byte range", []any{1, 300}, []int{1, 300}, ""},
		{"boolean", true, true, "integer:1"},
		{"bytes", map[string]any{"$bytes": []int{1, 2, 255}}, []byte{1, 2, 255}, "blob:0102ff"},
		{"array of byte values", []any{1, 2, 255}, []int{1, 2, 255}, "blob:0102ff"},
		{"float", 1.5, 1.5, "real:1.5"},
	}
	db, _ := mirror(t, s, "ENAM")
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ins := "INSERT INTO b (id, v) VALUES (?, ?)"
			real := probe(t, p, "ENAM", map[string]any{"plain": true, "ops": []probeOp{
				{Op: "run", SQL: ins, Params: []any{2 * i, c.js}},
				{Op: "first", SQL: "SELECT typeof(v) || ':' || CASE typeof(v) WHEN 'blob' THEN lower(hex(v)) ELSE v END AS s FROM b WHERE id = ?", Params: []any{2 * i}},
			}})
			_, merr := db.Prepare(ins).Bind(2*i+1, c.goVal).Run(ctx)
			if rerr := real.Results[0].Error; rerr != "" || merr != nil {
				if merr == nil || merr.Error() != rerr {
					t.Fatalf("bind: binding threw %q, mirror %v", rerr, merr)
				}
				return
			}
			var row map[string]string
			if err := json.Unmarshal(real.Results[1].OK, &row); err != nil {
				t.Fatal(err)
			}
			mrow, err := db.Prepare("SELECT typeof(v) || ':' || CASE typeof(v) WHEN 'blob' THEN lower(hex(v)) ELSE v END AS s FROM b WHERE id = ?").Bind(2*i + 1).First(ctx)
			if err != nil {
				t.Fatal(err)
			}
			ms, _ := mrow.String("s")
			if row["s"] != c.stored || ms != c.stored {
				t.Fatalf("stored: binding %q, mirror %q, want %q", row["s"], ms, c.stored)
			}
		})
	}
}

// D1's errors reach the application as the same strings through the real
// binding and the mirror, and a failed batch leaves nothing behind.
func TestFidelityErrorsAndBatchRollback(t *testing.T) {
	s := serveEmulator(t, emulator.Config{})
	p := startProbe(t, s)
	db, _ := mirror(t, s, "ENAM")
	schema := "CREATE TABLE u (id INTEGER PRIMARY KEY, email TEXT UNIQUE)"
	probe(t, p, "ENAM", map[string]any{"plain": true, "ops": []probeOp{{Op: "run", SQL: schema}, {Op: "run", SQL: "INSERT INTO u VALUES (1, 'a@x')"}}})
	cases := []struct {
		name string
		op   probeOp
		want string
	}{
		{"unique", probeOp{Op: "run", SQL: "INSERT INTO u (email) VALUES ('a@x')"},
			"D1_ERROR: UNIQUE constraint failed: u.email: SQLITE_CONSTRAINT (extended: SQLITE_CONSTRAINT_UNIQUE)"},
		{"primary key", probeOp{Op: "run", SQL: "INSERT INTO u VALUES (1, 'b@x')"},
			"D1_ERROR: UNIQUE constraint failed: u.id: SQLITE_CONSTRAINT (extended: SQLITE_CONSTRAINT_PRIMARYKEY)"},
		{"syntax", probeOp{Op: "all", SQL: "SELEC 1"}, `D1_ERROR: near "SELEC": syntax error at offset 0: SQLITE_ERROR`},
		{"no such table", probeOp{Op: "all", SQL: "SELECT * FROM nope"}, "D1_ERROR: no such table: nope: SQLITE_ERROR"},
		{"batch rolls back", probeOp{Op: "batch", Stmts: []probeStmt{{SQL: "INSERT INTO u VALUES (7, 'c@x')"}, {SQL: "INSERT INTO u VALUES (8, 'a@x')"}}},
			"D1_ERROR: UNIQUE constraint failed: u.email: SQLITE_CONSTRAINT (extended: SQLITE_CONSTRAINT_UNIQUE)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			real := probe(t, p, "ENAM", map[string]any{"session": "first-primary", "ops": []probeOp{c.op}})
			var merr error
			sess := db.WithSession("first-primary")
			if c.op.Op == "batch" {
				var stmts []*d1.Statement
				for _, st := range c.op.Stmts {
					stmts = append(stmts, sess.Prepare(st.SQL))
				}
				_, merr = sess.Batch(ctx, stmts)
			} else {
				_, merr = sess.Prepare(c.op.SQL).Run(ctx)
			}
			if got := real.Results[0].Error; got != c.want {
				t.Errorf("binding threw %q, want %q", got, c.want)
			}
			if merr == nil || merr.Error() != c.want {
				t.Errorf("mirror returned %v, want %q", merr, c.want)
			}
		})
	}
	r, err := db.Prepare("SELECT count(*) AS n FROM u WHERE id IN (7, 8)").First(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := r.Int("n"); n != 0 {
		t.Fatalf("%d rows of the failed batches remain", n)
	}
}

// What only the real binding does (the mirror has no exec() or raw()):
// exec()'s lines, a script in one prepare(), raw()'s column order, run()'s
// rows, first(column) of a missing column.
func TestBindingScriptsExecAndRaw(t *testing.T) {
	s := serveEmulator(t, emulator.Config{})
	p := startProbe(t, s)
	// exec() exists on env.DB only (a session has none).
	real := probe(t, p, "OC", map[string]any{"plain": true, "ops": []probeOp{
		// Cloudflare's sessions template resets its table in one prepare().
		{Op: "run", SQL: "DROP TABLE IF EXISTS m; CREATE TABLE m (id INTEGER PRIMARY KEY, b, a); INSERT INTO m VALUES (1, 'x', 'y')"},
		{Op: "raw", SQL: "SELECT b, a, id FROM m", ColumnNames: true},
		{Op: "run", SQL: "SELECT a, b FROM m"},
		{Op: "exec", SQL: "CREATE TABLE e (id INTEGER PRIMARY KEY);\nINSERT INTO e VALUES (1);\n\nINSERT INTO e VALUES (2)"},
		{Op: "exec", SQL: "INSERT INTO e VALUES (3);\nINSERT INTO nope VALUES (4);\nINSERT INTO e VALUES (5)"},
		{Op: "all", SQL: "SELECT group_concat(id) AS ids FROM e"},
		{Op: "first", SQL: "SELECT a FROM m", Column: "nope"},
	}})
	want := []string{
		``,
		`[["b","a","id"],["x","y",1]]`,
		``,
		`{"count":3,`,
		``,
		``,
		``,
	}
	wantErr := []string{"", "", "", "",
		"D1_EXEC_ERROR: Error in line 2: INSERT INTO nope VALUES (4);: no such table: nope: SQLITE_ERROR", "",
		"D1_COLUMN_NOTFOUND: Column not found (nope)"}
	for i, r := range real.Results {
		if r.Error != wantErr[i] {
			t.Errorf("op %d: error %q, want %q", i, r.Error, wantErr[i])
		}
		if want[i] != "" && !strings.HasPrefix(string(r.OK), want[i]) {
			t.Errorf("op %d: %s, want it to start %s", i, r.OK, want[i])
		}
	}
	var run struct {
		Results []json.RawMessage `json:"results"`
	}
	json.Unmarshal(real.Results[2].OK, &run)
	if len(run.Results) != 1 || string(run.Results[0]) != `{"a":"y","b":"x"}` {
		t.Errorf("run() of a SELECT gave %s, want its row, keys in column order (as wrangler dev)", run.Results)
	}
	var all struct {
		Results []map[string]string `json:"results"`
	}
	json.Unmarshal(real.Results[5].OK, &all)
	if len(all.Results) != 1 || all.Results[0]["ids"] != "1,2,3" {
		t.Errorf("after the failed exec, e holds %v, want 1,2,3 (lines before the failing one stay, the rest never ran)", all.Results)
	}
}
