package emulator

import (
	"context"
	"errors"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/d1check/d1check/d1"
)

var bookmarkRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}$`)

// TestBookmarkFormatAndOrder: bookmarks are 8-8-8-32 lowercase hex, name a
// commit position (reads do not advance it), and sort oldest to newest.
func TestBookmarkFormatAndOrder(t *testing.T) {
	e := newEmu(t, Config{})
	schema(t, e)
	s := db(t, e, "").WithSession("first-primary")
	if _, ok := s.Bookmark(); ok {
		t.Fatal("a constraint session has a bookmark before its first query")
	}
	var got []string
	for i, sql := range []string{"SELECT 1", "INSERT INTO users (email) VALUES ('a')", "SELECT 1", "INSERT INTO users (email) VALUES ('b')", "UPDATE users SET name = 'x'"} {
		run(t, s, sql)
		b := bookmarkOf(t, s)
		if !bookmarkRE.MatchString(b) {
			t.Fatalf("query %d: bookmark %q is not D1's format", i, b)
		}
		got = append(got, b)
	}
	// Position 1 is the schema; reads return the current position.
	want := []uint64{1, 2, 2, 3, 4}
	for i, b := range got {
		p, _ := d1.ParseBookmark(b)
		if p.Position() != want[i] {
			t.Errorf("bookmark %d = %s (position %d), want position %d", i, b, p.Position(), want[i])
		}
	}
	if !sort.SliceIsSorted(got, func(i, j int) bool { return got[i] < got[j] }) {
		t.Errorf("bookmarks not in string order: %v", got)
	}
}

// TestConstraintParsing: the argument is trimmed; only the exact
// lowercase constraints are constraints; "First-Primary" is a bookmark.
func TestConstraintParsing(t *testing.T) {
	e := newEmu(t, Config{})
	schema(t, e)
	setLag(t, e, Constant(time.Hour))
	d := db(t, e, "WEUR")
	ctx := context.Background()
	run(t, db(t, e, ""), "INSERT INTO users (email) VALUES ('a')") // lags an hour
	count := func(s *d1.Session) (int64, d1.Meta) {
		r, err := s.Prepare("SELECT count(*) AS n FROM users").Run(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n, _ := r.Results[0].Int("n")
		return n, r.Meta
	}
	for _, arg := range []string{"  first-primary\n", "first-primary"} {
		if n, m := count(d.WithSession(arg)); n != 1 || !m.ServedByPrimary {
			t.Errorf("WithSession(%q): %d rows, primary %v; want the primary's 1 row", arg, n, m.ServedByPrimary)
		}
	}
	for _, arg := range []string{"", "   ", " first-unconstrained ", "First-Primary", "FIRST-PRIMARY"} {
		if n, m := count(d.WithSession(arg)); n != 0 || m.ServedByPrimary || m.ServedByRegion != "WEUR" {
			t.Errorf("WithSession(%q): %d rows, primary %v, region %s; want the lagging WEUR replica", arg, n, m.ServedByPrimary, m.ServedByRegion)
		}
	}
}

// TestMisspeltConstraint: withSession('first_unconditional') is a garbage
// bookmark; served unconstrained, and because it sorts after every real
// bookmark under localeCompare the session keeps sending it.
func TestMisspeltConstraint(t *testing.T) {
	e := newEmu(t, Config{})
	schema(t, e)
	s := db(t, e, "EEUR").WithSession("first_unconditional")
	if b := bookmarkOf(t, s); b != "first_unconditional" {
		t.Fatalf("bookmark = %q", b)
	}
	r := run(t, s, "SELECT count(*) AS n FROM users")
	if r.Meta.ServedByPrimary || r.Meta.ServedByRegion != "EEUR" {
		t.Errorf("read served by %+v, want the EEUR replica", r.Meta)
	}
	run(t, s, "INSERT INTO users (email) VALUES ('a')")
	if b := bookmarkOf(t, s); b != "first_unconditional" {
		t.Errorf("after a write the session holds %q, want it stuck on the garbage string", b)
	}

	strict := newEmu(t, Config{GarbageBookmark: GarbageError})
	_, err := db(t, strict, "").WithSession("first_unconditional").Prepare("SELECT 1").Run(context.Background())
	var de *d1.Error
	if !errors.As(err, &de) || !strings.Contains(de.Message, `not a bookmark: "first_unconditional"`) {
		t.Errorf("GarbageError: err = %v", err)
	}
	// An object argument throws before any query, as workerd does.
	if _, err := db(t, strict, "").WithSessionArg(map[string]string{"constraint": "first_unconditional"}); err == nil {
		t.Error("object argument accepted")
	}
}

// TestKeepMaximum: a bookmark older than the session's is ignored, and a
// replica may answer with a newer bookmark than the one sent.
func TestKeepMaximum(t *testing.T) {
	e := newEmu(t, Config{})
	schema(t, e)
	d := db(t, e, "WNAM")
	for i := 0; i < 3; i++ {
		run(t, d, "INSERT INTO users (email) VALUES (?)", string(rune('a'+i)))
	}
	waitReplicated(t, e)
	old := d1.NewBookmark(1)
	s := d.WithSession(old)
	r := run(t, s, "SELECT count(*) AS n FROM users")
	if r.Results[0]["n"] != int64(3) {
		t.Errorf("replica at the newest position served %v rows", r.Results[0]["n"])
	}
	if b := bookmarkOf(t, s); b != d1.NewBookmark(4) {
		t.Errorf("session bookmark = %s, want the replica's newer %s", b, d1.NewBookmark(4))
	}
	// A session started from a future-looking but valid bookmark keeps it
	// while reads below it wait; a write's smaller bookmark does not
	// replace it.
	tr, _ := e.Transport("WNAM")
	resp, err := tr.Query(context.Background(), d1.Request{Mode: d1.ModeSession, Bookmark: d1.NewBookmark(2), Statements: []d1.Query{{SQL: "SELECT 1"}}})
	if err != nil || resp.Bookmark != d1.NewBookmark(4) {
		t.Errorf("returned %q, %v; want the replica's own %s", resp.Bookmark, err, d1.NewBookmark(4))
	}
}

// TestBookmarkWait: a replica given a bookmark it has not applied waits
// until it has, then serves the new state.
func TestBookmarkWait(t *testing.T) {
	e := newEmu(t, Config{DefaultLag: Constant(100 * time.Millisecond)})
	schema(t, e)
	w := db(t, e, "").WithSession("first-primary")
	run(t, w, "INSERT INTO users (email) VALUES ('a')")
	bm := bookmarkOf(t, w)
	if st := replicaStatus(e, "OC"); st.Position >= 2 {
		t.Fatalf("OC replica already at %d: the lag did not hold it back", st.Position)
	}
	s := db(t, e, "OC").WithSession(bm)
	r := run(t, s, "SELECT count(*) AS n FROM users")
	if r.Results[0]["n"] != int64(1) || r.Meta.ServedByRegion != "OC" {
		t.Errorf("bookmarked read = %+v", r)
	}
}

// TestBookmarkWaitBounded: a replica that cannot reach the bookmark within
// BookmarkWait (paused here) fails with a transient D1 error; the context's
// deadline wins if it comes first.
func TestBookmarkWaitBounded(t *testing.T) {
	e := newEmu(t, Config{BookmarkWait: 50 * time.Millisecond})
	schema(t, e)
	if err := e.PauseReplication("APAC"); err != nil {
		t.Fatal(err)
	}
	w := db(t, e, "").WithSession("first-primary")
	run(t, w, "INSERT INTO users (email) VALUES ('a')")
	s := db(t, e, "APAC").WithSession(bookmarkOf(t, w))
	_, err := s.Prepare("SELECT 1").Run(context.Background())
	var de *d1.Error
	if !errors.As(err, &de) || de.Kind != d1.KindTransient || !strings.HasPrefix(de.Message, BookmarkTimeoutMessage) || !d1.Indeterminate(err) {
		t.Fatalf("err = %v, want the bookmark timeout", err)
	}
	if pe := d1.ParseError(de.Message); pe.Kind != d1.KindTransient {
		t.Errorf("over the wire the timeout parses as %s", pe.Kind)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Prepare("SELECT 1").Run(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: err = %v", err)
	}
	// Writes in the same session are forwarded and never wait.
	if r := run(t, s, "INSERT INTO users (email) VALUES ('b')"); !r.Meta.ServedByPrimary {
		t.Error("write not forwarded to the primary")
	}
}

// TestForwardedWrites: a write in any session runs on the primary and
// returns the primary's new bookmark, whatever region the client is in.
func TestForwardedWrites(t *testing.T) {
	e := newEmu(t, Config{})
	schema(t, e)
	setLag(t, e, Constant(time.Hour))
	for i, region := range d1.Regions {
		for _, arg := range []string{"first-unconstrained", "first-primary", d1.NewBookmark(1)} {
			s := db(t, e, region).WithSession(arg)
			r := run(t, s, "INSERT INTO users (email) VALUES (?) RETURNING id", region+arg)
			if !r.Meta.ServedByPrimary || r.Meta.ServedByRegion != "ENAM" || len(r.Results) != 1 {
				t.Errorf("%s %s: served by %+v", region, arg, r.Meta)
			}
			if b := bookmarkOf(t, s); b != e.Status().Primary.Bookmark {
				t.Errorf("%s %s: session bookmark %s, want the primary's %s", region, arg, b, e.Status().Primary.Bookmark)
			}
		}
		_ = i
	}
	// Plain access: the primary, no bookmark.
	tr, _ := e.Transport("APAC")
	resp, err := tr.Query(context.Background(), d1.Request{Mode: d1.ModePlain, Statements: []d1.Query{{SQL: "SELECT count(*) AS n FROM users"}}})
	if err != nil || resp.Bookmark != "" || !resp.Results[0].Meta.ServedByPrimary || resp.Results[0].Results[0]["n"] != int64(18) {
		t.Errorf("plain read = %+v, %v", resp, err)
	}
}

func replicaStatus(e *Emulator, region string) InstanceStatus {
	for _, st := range e.Status().Replicas {
		if st.Region == region {
			return st
		}
	}
	return InstanceStatus{}
}
