package d1

import (
	"context"
	"errors"
	"testing"
)

var ctx = context.Background()

const (
	bm1 = "00000000-00000001-00000000-00000000000000000000000000000000"
	bm2 = "00000000-00000002-00000000-00000000000000000000000000000000"
	bm9 = "00000000-00000009-00000000-00000000000000000000000000000000"
)

func TestWithSessionArgument(t *testing.T) {
	cases := []struct {
		arg        string
		constraint string // "" when the argument is a bookmark
		sends      string
	}{
		{"", FirstUnconstrained, FirstUnconstrained},
		{"   \t\n", FirstUnconstrained, FirstUnconstrained},
		{"first-unconstrained", FirstUnconstrained, FirstUnconstrained},
		{"first-primary", FirstPrimary, FirstPrimary},
		{"  first-primary  ", FirstPrimary, FirstPrimary},
		// Case-sensitive: anything else is a bookmark, sent as is.
		{"First-Primary", "", "First-Primary"},
		{"FIRST-UNCONSTRAINED", "", "FIRST-UNCONSTRAINED"},
		// The migration guide's misspelling does not throw: it is a bookmark.
		{"first_unconditional", "", "first_unconditional"},
		{" " + bm2 + " ", "", bm2},
	}
	for _, c := range cases {
		rec := &recorder{answers: []string{bm1}}
		s := New(rec).WithSession(c.arg)
		if s.Constraint() != c.constraint {
			t.Errorf("WithSession(%q).Constraint() = %q, want %q", c.arg, s.Constraint(), c.constraint)
		}
		bm, ok := s.Bookmark()
		if c.constraint != "" && ok {
			t.Errorf("WithSession(%q): getBookmark() = %q before any query, want null", c.arg, bm)
		}
		if c.constraint == "" && (!ok || bm != c.sends) {
			t.Errorf("WithSession(%q): getBookmark() = %q, %v; want the bookmark at once", c.arg, bm, ok)
		}
		if _, err := s.Prepare("SELECT 1").First(ctx); err != nil {
			t.Fatal(err)
		}
		if got := rec.last().Bookmark; got != c.sends {
			t.Errorf("WithSession(%q) sent %q, want %q", c.arg, got, c.sends)
		}
	}
}

func TestWithSessionArgObjectThrows(t *testing.T) {
	rec := &recorder{}
	db := New(rec)
	_, err := db.WithSessionArg(map[string]string{"constraint": "first_unconditional"})
	var e *Error
	if !errors.As(err, &e) || e.Kind != KindArgument || e.Message != "TypeError: constraintOrBookmark?.trim is not a function" {
		t.Fatalf("object argument: err = %v, want the TypeError workerd throws", err)
	}
	if len(rec.sent) != 0 {
		t.Fatal("a throwing withSession must send nothing")
	}
	s, err := db.WithSessionArg(nil)
	if err != nil || s.Constraint() != FirstUnconstrained {
		t.Fatalf("undefined argument: %v, %v", s, err)
	}
	s, err = db.WithSessionArg("first-primary")
	if err != nil || s.Constraint() != FirstPrimary {
		t.Fatalf("string argument: %v, %v", s, err)
	}
}

func TestSessionSendsBookmarkAfterFirstQuery(t *testing.T) {
	rec := &recorder{answers: []string{bm1, bm2}}
	s := New(rec).WithSession(FirstPrimary)
	s.Prepare("SELECT 1").Run(ctx)
	s.Prepare("SELECT 1").Run(ctx)
	if rec.sent[0].Bookmark != FirstPrimary || rec.sent[1].Bookmark != bm1 {
		t.Fatalf("sent %q then %q, want the constraint then the returned bookmark", rec.sent[0].Bookmark, rec.sent[1].Bookmark)
	}
	if bm, _ := s.Bookmark(); bm != bm2 {
		t.Fatalf("bookmark = %q, want %q", bm, bm2)
	}
}

func TestSessionKeepsMaximum(t *testing.T) {
	// A smaller bookmark, as from a concurrent query that finished later, is ignored.
	rec := &recorder{answers: []string{bm9, bm2}}
	s := New(rec).WithSession("")
	s.Prepare("SELECT 1").Run(ctx)
	s.Prepare("SELECT 1").Run(ctx)
	if bm, _ := s.Bookmark(); bm != bm9 {
		t.Fatalf("bookmark = %q after %q then %q, want the maximum", bm, bm9, bm2)
	}
	// A future bookmark given to withSession comes back unchanged when the
	// database answers with an older one.
	rec = &recorder{answers: []string{bm2}}
	s = New(rec).WithSession(bm9)
	s.Prepare("SELECT 1").Run(ctx)
	if bm, _ := s.Bookmark(); bm != bm9 {
		t.Fatalf("bookmark = %q, want the future bookmark %q kept", bm, bm9)
	}
}

func TestGarbageBookmarkSticks(t *testing.T) {
	// "first_unconditional" sorts after every real bookmark under
	// localeCompare, so the session never replaces it: getBookmark() keeps
	// returning the typo and every query keeps sending it.
	rec := &recorder{answers: []string{bm1, bm2}}
	s := New(rec).WithSession("first_unconditional")
	for i := 0; i < 3; i++ {
		s.Prepare("SELECT 1").Run(ctx)
	}
	if bm, _ := s.Bookmark(); bm != "first_unconditional" {
		t.Fatalf("bookmark = %q, want the garbage kept", bm)
	}
	for _, r := range rec.sent {
		if r.Bookmark != "first_unconditional" {
			t.Fatalf("sent %q", r.Bookmark)
		}
	}
}

func TestPlainSendsNoBookmark(t *testing.T) {
	rec := &recorder{answers: []string{bm1}}
	db := New(rec)
	db.Prepare("INSERT INTO t VALUES (1)").Run(ctx)
	db.Batch(ctx, []*Statement{db.Prepare("SELECT 1"), db.Prepare("SELECT 2")})
	for _, r := range rec.sent {
		if r.Mode != ModePlain || r.Bookmark != "" {
			t.Fatalf("plain request %+v", r)
		}
	}
	if !rec.sent[1].Batch || len(rec.sent[1].Statements) != 2 {
		t.Fatalf("batch request %+v", rec.sent[1])
	}
}

func TestBindConvertsLikeTheBinding(t *testing.T) {
	rec := &recorder{}
	db := New(rec)
	st := db.Prepare("SELECT ?, ?, ?, ?, ?, ?")
	if _, err := st.Bind(true, false, 7, 2.5, "s", []byte{1, 2}).Run(ctx); err != nil {
		t.Fatal(err)
	}
	want := []any{int64(1), int64(0), int64(7), 2.5, "s", []byte{1, 2}}
	got := rec.last().Statements[0].Params
	for i := range want {
		if b, ok := want[i].([]byte); ok {
			if string(got[i].([]byte)) != string(b) {
				t.Errorf("param %d = %v", i, got[i])
			}
			continue
		}
		if got[i] != want[i] {
			t.Errorf("param %d = %#v, want %#v", i, got[i], want[i])
		}
	}
	// Bind returns a new statement: the prepared one is unchanged.
	if len(st.q.Params) != 0 {
		t.Error("Bind changed the prepared statement")
	}
	n := len(rec.sent)
	_, err := st.Bind(struct{}{}).Run(ctx)
	var e *Error
	if !errors.As(err, &e) || e.Kind != KindType {
		t.Fatalf("binding a struct: %v, want D1_TYPE_ERROR", err)
	}
	if len(rec.sent) != n {
		t.Fatal("a statement with a bind error must not be sent")
	}
	// The binding's words, in JavaScript's terms (held to workerd by the
	// workerd package's fidelity tests).
	for v, want := range map[any]string{
		"struct": "D1_TYPE_ERROR: Type 'object' not supported for value '[object Object]'",
		"slice":  "D1_TYPE_ERROR: Type 'object' not supported for value '1,x'",
		"big":    "D1_TYPE_ERROR: Type 'bigint' not supported for value '18446744073709551615'",
	} {
		arg := map[string]any{"struct": struct{}{}, "slice": []any{1, "x"}, "big": uint64(1<<64 - 1)}[v.(string)]
		if _, err := st.Bind(arg).Run(ctx); err == nil || err.Error() != want {
			t.Errorf("binding a %s: %v, want %q", v, err, want)
		}
	}
	if _, err := st.Bind([]int{1, 2, 255}).Run(ctx); err != nil {
		t.Errorf("an array of byte values binds as a BLOB, as in the binding: %v", err)
	}
	if _, err := db.Batch(ctx, []*Statement{st, nil}); err == nil {
		t.Fatal("a nil statement in a batch must be refused")
	}
}

func TestFirstOnNoRowsIsNil(t *testing.T) {
	db := New(emptyTransport{})
	row, err := db.Prepare("SELECT 1 WHERE 0").First(ctx)
	if err != nil || row != nil {
		t.Fatalf("First = %v, %v; want nil, nil", row, err)
	}
}

type emptyTransport struct{}

func (emptyTransport) Query(_ context.Context, req Request) (Response, error) {
	return Response{Results: make([]Result, len(req.Statements))}, nil
}

func TestTraceRecordsEachRequest(t *testing.T) {
	rec := &recorder{answers: []string{bm1, bm2}}
	s := New(rec).WithSession(FirstPrimary)
	var tr Trace
	tctx := WithTrace(ctx, &tr)
	s.Prepare("SELECT 1").Run(tctx)
	s.Batch(tctx, []*Statement{s.Prepare("INSERT 1"), s.Prepare("INSERT 2")})
	s.Prepare("SELECT 3").Run(ctx) // not traced
	es := tr.Entries()
	if len(es) != 2 {
		t.Fatalf("%d entries, want 2", len(es))
	}
	if es[0].BookmarkIn != FirstPrimary || es[0].BookmarkOut != bm1 || es[1].BookmarkIn != bm1 || es[1].BookmarkOut != bm2 {
		t.Fatalf("bookmarks in trace: %+v", es)
	}
	if len(es[1].SQL) != 2 || es[1].SQL[1] != "INSERT 2" {
		t.Fatalf("batch SQL in trace: %v", es[1].SQL)
	}
	tr.Reset()
	if len(tr.Entries()) != 0 {
		t.Fatal("Reset left entries")
	}
}
