package webapp

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/d1check/d1check/history"
	"github.com/d1check/d1check/httpspec"
	"github.com/d1check/d1check/workloads"
	"github.com/d1check/d1check/workloads/magiccodes"
	"github.com/d1check/d1check/workloads/users"
)

func path(t *testing.T, s string) *Path {
	t.Helper()
	p, err := httpspec.ParsePath(s)
	if err != nil {
		t.Fatal(err)
	}
	return &p
}

// app is a real HTTP server standing in for a Worker: handler answers
// every request; the requests it saw are kept.
type app struct {
	srv  *httptest.Server
	mu   sync.Mutex
	seen []*http.Request
}

func newApp(t *testing.T, handler http.HandlerFunc) *app {
	a := &app{}
	a.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.mu.Lock()
		a.seen = append(a.seen, r.Clone(context.Background()))
		a.mu.Unlock()
		handler(w, r)
	}))
	t.Cleanup(a.srv.Close)
	return a
}

func (a *app) base(string) (string, error) { return a.srv.URL, nil }

func signupSpec(t *testing.T, bm Bookmarks) Spec {
	return Spec{Bookmarks: bm, Ops: []Op{{
		Name: "signup", Model: CreateOnce, Does: "get-or-create", Weight: 1,
		Request: Request{Method: "POST", Path: "/users", JSON: map[string]any{"email": "{key}", "n": "{n}"}},
		ID:      path(t, "$.user.id"), Created: path(t, "$.created"),
	}}}
}

// outcome is the history type the runner records for o.
func outcome(o workloads.Outcome) history.Type {
	switch o {
	case workloads.OK:
		return history.OK
	case workloads.Info:
		return history.Info
	}
	return history.Fail
}

func do(t *testing.T, w *Workload, env *workloads.Env, op workloads.Op) (any, error, history.Type) {
	t.Helper()
	out, err := w.Do(context.Background(), env, Variant, op)
	return out, err, outcome(workloads.OutcomeOf(op, err))
}

func TestOutcomes(t *testing.T) {
	answer := map[string]func(w http.ResponseWriter){
		"ok": func(w http.ResponseWriter) { jsonAnswer(w, 200, `{"user": {"id": 5}, "created": true}`) },
		"html": func(w http.ResponseWriter) {
			w.Header().Set("content-type", "text/html")
			w.WriteHeader(200)
			w.Write([]byte("<h1>hi</h1>"))
		},
		"missing": func(w http.ResponseWriter) { jsonAnswer(w, 200, `{"id": 5, "created": true}`) },
		"wrong":   func(w http.ResponseWriter) { jsonAnswer(w, 200, `{"user": {"id": "five"}, "created": true}`) },
		"500":     func(w http.ResponseWriter) { w.WriteHeader(500); w.Write([]byte("Internal Server Error")) },
		"404":     func(w http.ResponseWriter) { jsonAnswer(w, 404, `{"error": "no route"}`) },
	}
	var mode string
	a := newApp(t, func(w http.ResponseWriter, r *http.Request) { answer[mode](w) })
	spec := signupSpec(t, Bookmarks{})
	spec.Ops = append(spec.Ops, Op{
		Name: "lookup", Model: CreateOnce, Does: "get", Weight: 1,
		Request: Request{Method: "POST", Path: "/users", JSON: map[string]any{"email": "{key}", "lookup": true}},
		ID:      path(t, "$.user.id"),
	})
	w, err := New(spec, a.base)
	if err != nil {
		t.Fatal(err)
	}
	write := workloads.Op{F: fGetOrCreate, Key: "a@x.test", Value: users.Args{Email: "a@x.test"}}
	read := workloads.Op{F: fGet, Key: "a@x.test", Value: users.Args{Email: "a@x.test"}}
	for _, c := range []struct {
		mode     string
		op       workloads.Op
		want     history.Type
		mismatch string
	}{
		{"ok", write, history.OK, ""},
		// A 2xx the mapping cannot read: the write may have happened.
		{"html", write, history.Info, "not JSON"},
		{"missing", write, history.Info, "no id"},
		{"wrong", write, history.Info, "want an integer"},
		{"html", read, history.Fail, "not JSON"},
		{"404", write, history.Fail, "status 404"},
		{"500", write, history.Info, ""},
		{"500", read, history.Fail, ""},
	} {
		mode = c.mode
		env := &workloads.Env{Region: "WEUR"}
		out, err, typ := do(t, w, env, c.op)
		if typ != c.want {
			t.Errorf("%s: outcome %s (err %v), want %s", c.mode, typ, err, c.want)
		}
		route := map[string]string{fGetOrCreate: "signup", fGet: "lookup"}[c.op.F]
		if env.HTTP == nil || env.HTTP.Route != route || env.HTTP.Path != "/users" {
			t.Fatalf("%s: HTTP record %+v", c.mode, env.HTTP)
		}
		if !strings.Contains(env.HTTP.Mismatch, c.mismatch) || (c.mismatch == "") != (env.HTTP.Mismatch == "") {
			t.Errorf("%s: mismatch %q, want one containing %q", c.mode, env.HTTP.Mismatch, c.mismatch)
		}
		if c.mismatch != "" && !IsMismatch(err) {
			t.Errorf("%s: error %v is not a mismatch", c.mode, err)
		}
		if c.want == history.OK && out != (users.Created{ID: 5, Created: true}) {
			t.Errorf("ok value %#v", out)
		}
	}
	// The body's placeholders were filled.
	var body map[string]any
	if err := json.NewDecoder(a.seen[0].Body).Decode(&body); err == nil && body["email"] != "a@x.test" {
		t.Errorf("body %v", body)
	}
}

func TestRefusalIsAnOKResult(t *testing.T) {
	a := newApp(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/verify" {
			jsonAnswer(w, 401, `{"ok": false}`)
			return
		}
		jsonAnswer(w, 201, `{}`)
	})
	spec := Spec{Ops: []Op{
		{Name: "issue", Model: SingleUse, Does: "issue", Weight: 1, Request: Request{Method: "POST", Path: "/codes"}},
		{Name: "verify", Model: SingleUse, Does: "use", Weight: 1, Request: Request{Method: "POST", Path: "/verify"}, Success: path(t, "$.ok"), Refuse: []int{401}},
	}}
	w, err := New(spec, a.base)
	if err != nil {
		t.Fatal(err)
	}
	args := magiccodes.Args{Email: "a@x.test", Code: "C1"}
	out, err, typ := do(t, w, &workloads.Env{}, workloads.Op{F: fVerify, Key: args.Key(), Value: args})
	if typ != history.OK || out != (magiccodes.Verified{Valid: false}) {
		t.Errorf("a declared refusal: %s %v %v, want ok valid=false", typ, out, err)
	}
}

// TestBookmarksKeepTheNewest: the client sends the newest bookmark it has
// seen, in the header or the cookie the app uses, and an older one in a
// response does not move it back.
func TestBookmarksKeepTheNewest(t *testing.T) {
	const older, newer = "00000000-00000001-00004f7e-0000000000000000000000000000000a", "00000000-00000002-00004f7e-0000000000000000000000000000000b"
	for _, bm := range []Bookmarks{{Header: "x-d1-bookmark"}, {Cookie: "d1_bookmark"}} {
		var reply string
		a := newApp(t, func(w http.ResponseWriter, r *http.Request) {
			if bm.Header != "" {
				w.Header().Set(bm.Header, reply)
			} else {
				http.SetCookie(w, &http.Cookie{Name: bm.Cookie, Value: reply})
			}
			jsonAnswer(w, 200, `{"user": {"id": 1}, "created": false}`)
		})
		w, err := New(signupSpec(t, bm), a.base)
		if err != nil {
			t.Fatal(err)
		}
		op := workloads.Op{F: fGetOrCreate, Key: "a@x.test", Value: users.Args{Email: "a@x.test"}}
		held := ""
		for _, r := range []string{newer, older} {
			reply = r
			env := &workloads.Env{Bookmark: held}
			if _, err, _ := do(t, w, env, op); err != nil {
				t.Fatal(err)
			}
			if env.HTTP.BookmarkReceived != r || env.HTTP.BookmarkSent != held {
				t.Errorf("%+v: recorded sent %q received %q", bm, env.HTTP.BookmarkSent, env.HTTP.BookmarkReceived)
			}
			held = env.ResponseBookmark()
		}
		if held != newer {
			t.Errorf("%+v: the client holds %q after an older reply, want %q", bm, held, newer)
		}
		last := a.seen[len(a.seen)-1]
		sent := last.Header.Get("x-d1-bookmark")
		if c, err := last.Cookie("d1_bookmark"); err == nil {
			sent = c.Value
		}
		if sent != newer {
			t.Errorf("%+v: the second request sent %q, want %q", bm, sent, newer)
		}
	}
}

func TestValidate(t *testing.T) {
	good := func() Spec { return signupSpec(t, Bookmarks{}) }
	for _, c := range []struct {
		name  string
		edit  func(*Spec)
		field string
	}{
		{"no ops", func(s *Spec) { s.Ops = nil }, "ops"},
		{"both carriers", func(s *Spec) { s.Bookmarks = Bookmarks{Header: "a", Cookie: "b"} }, "bookmarks"},
		{"bad model", func(s *Spec) { s.Ops[0].Model = "queue" }, "ops.signup.model"},
		{"bad role", func(s *Spec) { s.Ops[0].Does = "use" }, "ops.signup.does"},
		{"no id", func(s *Spec) { s.Ops[0].ID = nil }, "ops.signup"},
		{"extra path", func(s *Spec) { s.Ops[0].Success = path(t, "$.ok") }, "ops.signup"},
		{"refuse 500", func(s *Spec) { s.Ops[0].Refuse = []int{500} }, "ops.signup"},
		{"use without issue", func(s *Spec) {
			s.Ops = append(s.Ops, Op{Name: "v", Model: SingleUse, Does: "use", Weight: 1})
		}, "ops"},
		{"two creators", func(s *Spec) { s.Ops = append(s.Ops, s.Ops[0]); s.Ops[1].Name = "again" }, "ops.again.does"},
	} {
		s := good()
		c.edit(&s)
		field, err := s.Validate()
		if err == nil || field != c.field {
			t.Errorf("%s: field %q err %v, want an error at %q", c.name, field, err, c.field)
		}
	}
	s := good()
	if _, err := s.Validate(); err != nil {
		t.Errorf("a good spec: %v", err)
	}
}

func jsonAnswer(w http.ResponseWriter, status int, body string) {
	w.Header().Set("content-type", "application/json")
	w.WriteHeader(status)
	w.Write([]byte(body))
}
