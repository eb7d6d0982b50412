package server

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/d1check/d1check/d1"
	"github.com/d1check/d1check/emulator"
)

// bindingCall is one request as workerd's D1 binding sends it.
type bindingCall struct {
	path, format string
	body         string
	token        *string // x-cf-d1-session-commit-token; nil: absent
	region       string
}

type bindingAnswer struct {
	status int
	token  string
	body   string
}

func (f *fixture) binding(t *testing.T, c bindingCall) bindingAnswer {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, f.url+c.path+"?resultsFormat="+c.format, strings.NewReader(c.body))
	if err != nil {
		t.Fatal(err)
	}
	req.Host = "d1"
	req.Header.Set("content-type", "application/json")
	if c.token != nil {
		req.Header.Set(HeaderCommitToken, *c.token)
	}
	if c.region != "" {
		req.Header.Set(HeaderRegion, c.region)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return bindingAnswer{status: resp.StatusCode, token: resp.Header.Get(HeaderCommitToken), body: strings.TrimSpace(string(b))}
}

func str(s string) *string { return &s }

// meta removes the timing fields, which vary, from a JSON answer.
func stripTimes(t *testing.T, body string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("not JSON: %s", body)
	}
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			delete(x, "duration")
			delete(x, "timings")
			delete(x, "size_after")
			for _, e := range x {
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	return v
}

func jsonEq(t *testing.T, got string, want string) {
	t.Helper()
	g, _ := json.Marshal(stripTimes(t, got))
	w, _ := json.Marshal(stripTimes(t, want))
	if !bytes.Equal(g, w) {
		t.Errorf("answer\n  %s\nwant\n  %s", g, w)
	}
}

func TestBindingProtocol(t *testing.T) {
	f := newFixture(t, emulator.Config{}, Options{})
	schema := f.binding(t, bindingCall{path: "/execute", format: "NONE", body: `{"sql":"CREATE TABLE u (id INTEGER PRIMARY KEY, email TEXT UNIQUE, pic BLOB)","params":[]}`})
	if schema.status != 200 || schema.token != "" {
		t.Fatalf("plain schema statement: %+v (plain env.DB gets no token back)", schema)
	}
	// A session write: the token sent is first-primary, the answer carries
	// the primary's new bookmark in the header.
	w := f.binding(t, bindingCall{path: "/execute", format: "NONE", token: str("first-primary"), region: "WEUR",
		body: `{"sql":"INSERT INTO u (email, pic) VALUES (?, ?)","params":["a@x",[1,2,255]]}`})
	if _, err := d1.ParseBookmark(w.token); err != nil {
		t.Fatalf("write answer's token %q: %v", w.token, err)
	}
	jsonEq(t, w.body, `{"success":true,"meta":{"served_by":"emulator.primary","served_by_region":"ENAM","served_by_primary":true,"changes":1,"last_row_id":1,"changed_db":true,"rows_read":1,"rows_written":1},"results":[]}`)
	// A read carrying that bookmark waits for WEUR's replica; the rows come
	// as columns and rows in the SELECT's order, the BLOB as bytes.
	r := f.binding(t, bindingCall{path: "/query", format: "ROWS_AND_COLUMNS", token: str(w.token), region: "WEUR",
		body: `{"sql":"SELECT pic, email, id FROM u WHERE email = ?","params":["a@x"]}`})
	jsonEq(t, r.body, `{"success":true,"meta":{"served_by":"emulator.replica.WEUR","served_by_region":"WEUR","served_by_primary":false,"changes":0,"last_row_id":0,"changed_db":false,"rows_read":1,"rows_written":0},"results":{"columns":["pic","email","id"],"rows":[[[1,2,255],"a@x",1]]}}`)
	if r.token < w.token {
		t.Errorf("the read returned %q, older than the bookmark it carried %q", r.token, w.token)
	}
	// D1's error without the D1_ERROR: prefix the binding adds back; no token.
	e := f.binding(t, bindingCall{path: "/execute", format: "NONE", token: str(w.token), body: `{"sql":"INSERT INTO u (email) VALUES ('a@x')","params":[]}`})
	if e.status != 200 || e.token != "" {
		t.Errorf("a D1 error: status %d token %q, want 200 and none", e.status, e.token)
	}
	jsonEq(t, e.body, `{"success":false,"meta":{},"error":"UNIQUE constraint failed: u.email: SQLITE_CONSTRAINT (extended: SQLITE_CONSTRAINT_UNIQUE)"}`)
	// A batch is an array answered by an array, all or nothing.
	b := f.binding(t, bindingCall{path: "/query", format: "ROWS_AND_COLUMNS", token: str("first-primary"),
		body: `[{"sql":"INSERT INTO u (email) VALUES ('b@x')","params":[]},{"sql":"INSERT INTO u (email) VALUES ('a@x')","params":[]}]`})
	if !strings.HasPrefix(b.body, `[{"success":false`) {
		t.Errorf("failed batch: %s, want a failure first (the binding looks at the first result)", b.body)
	}
	ok := f.binding(t, bindingCall{path: "/query", format: "ARRAY_OF_OBJECTS",
		body: `[{"sql":"SELECT count(*) AS n FROM u","params":[]},{"sql":"SELECT email, id FROM u ORDER BY id","params":[]}]`})
	jsonEq(t, ok.body, `[{"success":true,"meta":{"served_by":"emulator.primary","served_by_region":"ENAM","served_by_primary":true,"changes":0,"last_row_id":0,"changed_db":false,"rows_read":1,"rows_written":0},"results":[{"n":1}]},`+
		`{"success":true,"meta":{"served_by":"emulator.primary","served_by_region":"ENAM","served_by_primary":true,"changes":0,"last_row_id":0,"changed_db":false,"rows_read":1,"rows_written":0},"results":[{"email":"a@x","id":1}]}]`)
	if !strings.Contains(ok.body, `{"email":"a@x","id":1}`) {
		t.Errorf("object keys not in column order: %s", ok.body)
	}
	// exec(): lines in order up to the first failure, which is last.
	x := f.binding(t, bindingCall{path: "/execute", format: "NONE",
		body: `[{"sql":"INSERT INTO u (email) VALUES ('c@x');"},{"sql":""},{"sql":"INSERT INTO nope VALUES (1);"},{"sql":"INSERT INTO u (email) VALUES ('d@x');"}]`})
	var lines []struct {
		Success bool
		Error   string
	}
	if err := json.Unmarshal([]byte(x.body), &lines); err != nil || len(lines) != 3 || !lines[0].Success || lines[2].Success ||
		lines[2].Error != "no such table: nope: SQLITE_ERROR" {
		t.Errorf("exec with a failing third line: %s", x.body)
	}
	x = f.binding(t, bindingCall{path: "/execute", format: "NONE", body: `[{"sql":"INSERT INTO u (email) VALUES ('e@x');"},{"sql":"  "},{"sql":"INSERT INTO u (email) VALUES ('f@x');"}]`})
	if err := json.Unmarshal([]byte(x.body), &lines); err != nil || len(lines) != 2 {
		t.Errorf("exec of two statements and a blank line: %s, want two results (count 2)", x.body)
	}
	// Bad requests.
	for _, c := range []struct {
		call bindingCall
		want string
	}{
		{bindingCall{path: "/query", format: "ROWS_AND_COLUMNS", body: `{"sql":"SELECT 1","params":[{"a":1}]}`}, "parameter 1"},
		{bindingCall{path: "/query", format: "ROWS_AND_COLUMNS", body: `[]`}, "empty array"},
		{bindingCall{path: "/query", format: "ROWS_AND_COLUMNS", body: `{"sql":"SELECT 1"}`, region: "MARS"}, `MARS\" is not a D1 region`},
	} {
		a := f.binding(t, c.call)
		if a.status != http.StatusBadRequest || !strings.Contains(a.body, c.want) {
			t.Errorf("%s: %d %s, want 400 saying %q", c.call.body, a.status, a.body, c.want)
		}
	}
}

func TestBindingTrace(t *testing.T) {
	tr := NewTrace(3)
	f := newFixture(t, emulator.Config{}, Options{Trace: tr})
	f.binding(t, bindingCall{path: "/execute", format: "NONE", body: `{"sql":"CREATE TABLE k (id INTEGER PRIMARY KEY)","params":[]}`})
	w := f.binding(t, bindingCall{path: "/execute", format: "NONE", token: str("first-unconstrained"), region: "APAC", body: `{"sql":"INSERT INTO k VALUES (1)","params":[]}`})
	f.binding(t, bindingCall{path: "/query", format: "ROWS_AND_COLUMNS", token: str("first-unconstrained"), region: "APAC", body: `{"sql":"SELECT * FROM k","params":[]}`})
	f.binding(t, bindingCall{path: "/query", format: "ROWS_AND_COLUMNS", body: `{"sql":"SELECT 1","params":[]}`})
	es := tr.Entries()
	if len(es) != 3 || tr.Dropped() != 1 {
		t.Fatalf("%d entries, %d dropped; want 3 and 1", len(es), tr.Dropped())
	}
	if e := es[0]; e.Session || e.BookmarkIn != "" || !e.Primary || e.SQL[0] != "CREATE TABLE k (id INTEGER PRIMARY KEY)" {
		t.Errorf("plain schema statement traced as %+v", e)
	}
	if e := es[1]; !e.Session || e.Region != "APAC" || e.BookmarkIn != "first-unconstrained" || e.BookmarkOut != w.token || !e.Primary || e.Position == 0 {
		t.Errorf("session write traced as %+v (its answer carried %s)", e, w.token)
	}
	if e := es[2]; e.Primary || e.ServedBy != "emulator.replica.APAC" || e.Protocol != ProtocolBinding || e.Seq != 3 {
		t.Errorf("unconstrained read traced as %+v", e)
	}
	path := filepath.Join(t.TempDir(), "trace.jsonl")
	if err := tr.Save(path); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	if n := strings.Count(string(b), "\n"); n != 3 {
		t.Errorf("trace.jsonl has %d lines, want 3", n)
	}
	var first TraceEntry
	if err := json.Unmarshal(b[:bytes.IndexByte(b, '\n')], &first); err != nil || first.Seq != 1 {
		t.Errorf("first line %q: %v", b[:bytes.IndexByte(b, '\n')], err)
	}
}

// The binding protocol and the driver protocol share POST /query: only the
// binding's requests have resultsFormat.
func TestDriverProtocolStillServedOnQuery(t *testing.T) {
	f := newFixture(t, emulator.Config{}, Options{})
	db := f.db(t, "WEUR")
	if _, err := db.Prepare("SELECT 1").Run(ctx); err != nil {
		t.Fatal(err)
	}
}
