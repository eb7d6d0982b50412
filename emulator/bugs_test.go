package emulator

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/d1check/d1check/d1"
)

func TestBugConfig(t *testing.T) {
	for _, c := range []struct {
		cfg  Config
		want string
	}{
		{Config{Bugs: []string{"ignore-bookmarks"}}, `unknown bug "ignore-bookmarks" (known: ignore-bookmark, lying-bookmark, lost-write, out-of-order, non-atomic-batch, plain-reads-replica)`},
		{Config{BugRegion: "MARS"}, `bug region "MARS"`},
		{Config{BugEvery: -1}, "BugEvery is -1"},
		{Config{Bugs: []string{BugOutOfOrder}, BugEvery: 1}, "needs at least 2"},
	} {
		_, err := New(c.cfg)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("New(%+v) = %v, want an error containing %q", c.cfg, err, c.want)
		}
	}
	for _, b := range KnownBugs() {
		e := newEmu(t, Config{Bugs: []string{b}})
		e.Close()
	}
}

// pausedWrite creates the users table, pauses region's replica, inserts
// a user through a first-primary session and returns that session's
// bookmark: the replica now certainly lacks the row.
func pausedWrite(t *testing.T, e *Emulator, region string) string {
	t.Helper()
	schema(t, e)
	if err := e.PauseReplication(region); err != nil {
		t.Fatal(err)
	}
	w := db(t, e, "").WithSession(d1.FirstPrimary)
	run(t, w, "INSERT INTO users (id, email) VALUES (1, 'a')")
	return bookmarkOf(t, w)
}

func count(t *testing.T, p interface{ Prepare(string) *d1.Statement }) d1.Result {
	t.Helper()
	return run(t, p, "SELECT count(*) AS n FROM users")
}

// TestBugIgnoreBookmark: the replica answers a bookmark it has not
// reached, at once, with old data and an older bookmark than it was sent.
func TestBugIgnoreBookmark(t *testing.T) {
	e := newEmu(t, Config{Bugs: []string{BugIgnoreBookmark}, BookmarkWait: time.Hour})
	bm := pausedWrite(t, e, "WEUR")
	s := db(t, e, "WEUR").WithSession(bm)
	r := count(t, s)
	if r.Results[0]["n"] != int64(0) || r.Meta.ServedByRegion != "WEUR" || r.Meta.ServedByPrimary {
		t.Fatalf("read = %+v, want the paused WEUR replica's empty table", r)
	}
	// The binding keeps the maximum, so ask the transport for what it got.
	tr, _ := e.Transport("WEUR")
	resp, err := tr.Query(context.Background(), d1.Request{Mode: d1.ModeSession, Bookmark: bm, Statements: []d1.Query{{SQL: "SELECT 1"}}})
	if err != nil || d1.CompareBookmarks(resp.Bookmark, bm) >= 0 {
		t.Fatalf("response bookmark %q (err %v), want one older than the %q sent", resp.Bookmark, err, bm)
	}
}

// TestBugLyingBookmark: the paused replica serves old data under a
// bookmark at least as new as the write it lacks, and does not wait for a
// bookmark it has merely received.
func TestBugLyingBookmark(t *testing.T) {
	e := newEmu(t, Config{Bugs: []string{BugLyingBookmark}, BookmarkWait: time.Hour})
	bm := pausedWrite(t, e, "WEUR")
	s := db(t, e, "WEUR").WithSession(d1.FirstUnconstrained)
	if r := count(t, s); r.Results[0]["n"] != int64(0) {
		t.Fatalf("read = %+v, want the paused replica's empty table", r)
	}
	got := bookmarkOf(t, s)
	if d1.CompareBookmarks(got, bm) < 0 {
		t.Fatalf("bookmark %s is older than the write's %s: the replica did not lie", got, bm)
	}
	if st := replicaStatus(e, "WEUR"); st.Bookmark >= bm {
		t.Fatalf("the replica applied %s: it was meant to lack %s", st.Bookmark, bm)
	}
	if r := count(t, db(t, e, "WEUR").WithSession(bm)); r.Results[0]["n"] != int64(0) {
		t.Fatalf("bookmarked read = %+v, want the stale empty table served at once", r)
	}
}

// TestBugLostWrite: the bug region's replica reaches the primary's
// position without one of the acknowledged rows, keeps serving (even after
// a later change to the lost row conflicts), and no other replica loses it.
func TestBugLostWrite(t *testing.T) {
	e := newEmu(t, Config{Bugs: []string{BugLostWrite}, BugRegion: "APAC", BugEvery: 3})
	schema(t, e) // position 1
	p := db(t, e, "")
	for i := 1; i <= 4; i++ { // positions 2..5: position 3 is lost
		run(t, p, "INSERT INTO users (id, email) VALUES (?, ?)", i, string(rune('a'+i)))
	}
	run(t, p, "UPDATE users SET name = 'x'") // position 6, conflicts on APAC
	waitReplicated(t, e)
	for _, st := range e.Status().Replicas {
		if st.Error != "" || st.Position != 6 {
			t.Fatalf("%s: %+v, want position 6 and serving", st.Region, st)
		}
	}
	if r := count(t, db(t, e, "APAC").WithSession("")); r.Results[0]["n"] != int64(3) {
		t.Errorf("APAC has %v rows, want 3: one write lost", r.Results[0]["n"])
	}
	lost := run(t, db(t, e, "APAC").WithSession(""), "SELECT count(*) AS n FROM users WHERE id = 2")
	if lost.Results[0]["n"] != int64(0) {
		t.Errorf("APAC has the row of position 3")
	}
	if r := count(t, db(t, e, "OC").WithSession("")); r.Results[0]["n"] != int64(4) {
		t.Errorf("OC has %v rows, want all 4", r.Results[0]["n"])
	}
}

// TestBugOutOfOrder: at position 2 the bug replica holds commit 3's row
// but not commit 2's; a read at commit 2's bookmark misses its own write.
func TestBugOutOfOrder(t *testing.T) {
	e := newEmu(t, Config{Bugs: []string{BugOutOfOrder}, BugRegion: "WEUR", BugEvery: 2, Hooks: Hooks{
		// Hold the second of the swapped pair back, so the swapped state
		// lasts for the test.
		Lag: func(region string, pos uint64, drawn time.Duration) time.Duration {
			if pos == 3 {
				return time.Hour
			}
			return drawn
		},
	}})
	schema(t, e) // position 1
	s := db(t, e, "").WithSession(d1.FirstPrimary)
	run(t, s, "INSERT INTO users (id, email) VALUES (1, 'a')") // position 2
	bm := bookmarkOf(t, s)
	run(t, s, "INSERT INTO users (id, email) VALUES (2, 'b')") // position 3
	r := run(t, db(t, e, "WEUR").WithSession(bm), "SELECT group_concat(email) AS e FROM users")
	if r.Results[0]["e"] != "b" {
		t.Fatalf("WEUR at %s holds %v, want only b (commit 3 applied as position 2)", bm, r.Results[0]["e"])
	}
	r = run(t, db(t, e, "OC").WithSession(bm), "SELECT group_concat(email) AS e FROM users ORDER BY id")
	if e, _ := r.Results[0]["e"].(string); !strings.HasPrefix(e, "a") {
		t.Fatalf("OC at %s holds %v, want a first: only the bug region swaps", bm, r.Results[0]["e"])
	}
}

// TestBugNonAtomicBatch: a batch whose second statement fails keeps its
// first, reports the failure, and replicates what it kept.
func TestBugNonAtomicBatch(t *testing.T) {
	e := newEmu(t, Config{Bugs: []string{BugNonAtomicBatch}})
	schema(t, e)
	s := db(t, e, "WEUR").WithSession(d1.FirstPrimary)
	_, err := s.Batch(context.Background(), []*d1.Statement{
		s.Prepare("INSERT INTO users (id, email) VALUES (1, 'a')"),
		s.Prepare("INSERT INTO users (id, email) VALUES (1, 'b')"),
	})
	if !d1.IsConstraint(err) {
		t.Fatalf("batch err = %v, want the constraint error still reported", err)
	}
	if r := count(t, db(t, e, "")); r.Results[0]["n"] != int64(1) {
		t.Fatalf("%v rows after the failed batch, want the first statement's 1", r.Results[0]["n"])
	}
	assertReplicasMatch(t, e)
	// A single failing statement is not a batch: nothing to keep.
	if _, err := db(t, e, "").Prepare("INSERT INTO users (id, email) VALUES (1, 'c')").Run(context.Background()); !d1.IsConstraint(err) {
		t.Fatalf("err = %v", err)
	}
}

// TestBugPlainReadsReplica: plain env.DB reads the client's (paused)
// replica; plain writes still reach the primary.
func TestBugPlainReadsReplica(t *testing.T) {
	e := newEmu(t, Config{Bugs: []string{BugPlainReadsReplica}})
	pausedWrite(t, e, "WEUR")
	r := count(t, db(t, e, "WEUR"))
	if r.Results[0]["n"] != int64(0) || r.Meta.ServedByRegion != "WEUR" || r.Meta.ServedByPrimary {
		t.Fatalf("plain read = %+v, want the stale WEUR replica", r)
	}
	w := run(t, db(t, e, "WEUR"), "INSERT INTO users (id, email) VALUES (2, 'b')")
	if !w.Meta.ServedByPrimary {
		t.Fatalf("plain write served by %+v, want the primary", w.Meta)
	}
}

// TestAfterRequestHook: the hook turns a committed write's answer into a
// transient error; the write stays.
func TestAfterRequestHook(t *testing.T) {
	lost := &d1.Error{Kind: d1.KindTransient, Message: "Network connection lost."}
	e := newEmu(t, Config{Hooks: Hooks{AfterRequest: func(_ context.Context, region string, req d1.Request, err error) error {
		if err == nil && region == "" && strings.HasPrefix(req.Statements[0].SQL, "INSERT") {
			return lost
		}
		return nil
	}}})
	schema(t, e)
	_, err := db(t, e, "").Prepare("INSERT INTO users (id, email) VALUES (1, 'a')").Run(context.Background())
	if !errors.Is(err, lost) || !d1.Indeterminate(err) {
		t.Fatalf("err = %v, want the hook's transient error", err)
	}
	if r := count(t, db(t, e, "")); r.Results[0]["n"] != int64(1) {
		t.Fatalf("%v rows, want the write kept", r.Results[0]["n"])
	}
}
