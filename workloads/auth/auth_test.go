package auth_test

import (
	"testing"

	"github.com/d1check/d1check/history"
	"github.com/d1check/d1check/runner"
	"github.com/d1check/d1check/workloads"
	"github.com/d1check/d1check/workloads/auth"
	"github.com/d1check/d1check/workloads/internal/histtest"
)

func run(t *testing.T, variant, bookmarks string, seed int64, ops int) *history.History {
	return runN(t, variant, bookmarks, seed, 8, ops)
}

func runN(t *testing.T, variant, bookmarks string, seed int64, clients, ops int) *history.History {
	return histtest.Run(t, runner.Config{
		Workload: auth.Workload{}, Clients: clients, Ops: ops, Seed: seed,
		Keys:     workloads.KeySpace{Count: 10, Hot: 0.6, HotKeys: 2},
		Variants: []string{variant}, Bookmarks: bookmarks,
	}, histtest.Lagged(seed))
}

// counts are what the raw history shows, without the checker.
type counts struct {
	loggedOut   int // a hook found no session after the same client's login returned, before any logout
	resurrected int // a hook found the session after its logout returned
	lostUpdates int // two acknowledged refreshes replaced the same old token
}

func anomalies(t *testing.T, h *history.History) counts {
	var c counts
	login := map[string]int64{}  // session -> login completion
	logout := map[string]int64{} // session -> logout invoke / completion
	loggedOutDone := map[string]int64{}
	refreshedFrom := map[string]map[string]bool{}
	for _, op := range histtest.Pairs(h) {
		k := op.Invoke.Key
		if op.Done.Type != history.OK {
			continue
		}
		switch op.Invoke.F {
		case auth.FLogin:
			login[k] = op.Done.Time
		case auth.FLogout:
			logout[k], loggedOutDone[k] = op.Invoke.Time, op.Done.Time
		case auth.FHook:
			if op.Invoke.Session == "final" {
				continue
			}
			found := histtest.Value(t, op.Done)["found"] == true
			l, in := login[k]
			_, out := logout[k]
			switch {
			case !found && in && op.Invoke.Time > l && !out:
				c.loggedOut++
			case found && out && op.Invoke.Time > loggedOutDone[k]:
				c.resurrected++
			}
		case auth.FRefresh:
			v := histtest.Value(t, op.Done)
			if v["refreshed"] != true {
				continue
			}
			old := v["old"].(string)
			if refreshedFrom[k] == nil {
				refreshedFrom[k] = map[string]bool{}
			}
			if refreshedFrom[k][old] {
				c.lostUpdates++
			}
			refreshedFrom[k][old] = true
		}
	}
	return c
}

// TestUnconstrainedNone: the guide's phase-1 hook with a fresh session per
// request logs users out right after their login and brings sessions back
// after logout, and its refresh loses updates.
func TestUnconstrainedNone(t *testing.T) {
	for seed := int64(1); seed <= 5; seed++ {
		c := anomalies(t, run(t, workloads.Unconstrained, runner.BookmarksNone, seed, 500))
		t.Logf("seed %d: %+v", seed, c)
		if c.loggedOut > 0 && c.lostUpdates > 0 {
			return
		}
	}
	t.Fatal("no seed in 1..5 logged a user out after login and lost a refresh in 500 ops")
}

// TestFirstPrimaryStillRaces: carrying the bookmark keeps users logged in,
// but reading the token on the primary first does not stop two tabs from
// both refreshing it.
func TestFirstPrimaryStillRaces(t *testing.T) {
	for seed := int64(1); seed <= 5; seed++ {
		// The race window is one round trip to the primary: more tabs.
		c := anomalies(t, runN(t, workloads.FirstPrimary, runner.BookmarksCarry, seed, 16, 1000))
		t.Logf("seed %d: %+v", seed, c)
		if c.loggedOut != 0 || c.resurrected != 0 {
			t.Fatalf("seed %d: carried bookmarks, yet %+v", seed, c)
		}
		if c.lostUpdates > 0 {
			return
		}
	}
	t.Fatal("no seed in 1..5 lost a refresh with first-primary")
}

// TestAtomicCarryNever: carried bookmarks and a compare-and-set refresh:
// never logged out, never resurrected, never a lost update, and the
// final token on the primary is one some refresh (or the login) wrote.
func TestAtomicCarryNever(t *testing.T) {
	for seed := int64(1); seed <= 3; seed++ {
		h := run(t, workloads.Atomic, runner.BookmarksCarry, seed, 500)
		if c := anomalies(t, h); c != (counts{}) {
			t.Errorf("seed %d: %+v", seed, c)
		}
		wrote := map[string]bool{}
		for _, op := range histtest.Pairs(h) {
			switch {
			case op.Done.Type == history.Fail:
				t.Errorf("seed %d: %s %s failed: %s", seed, op.Invoke.F, op.Invoke.Key, op.Done.Error)
			case op.Invoke.F == auth.FLogin:
				wrote[auth.InitialToken(op.Invoke.Key)] = true
			case op.Invoke.F == auth.FRefresh:
				wrote[histtest.Value(t, op.Invoke)["token"].(string)] = true
			case op.Invoke.F == auth.FToken:
				if tok, ok := histtest.Value(t, op.Done)["token"].(string); ok && !wrote[tok] {
					t.Errorf("seed %d: final token %q of %s was never written", seed, tok, op.Invoke.Key)
				}
			}
		}
	}
}

// TestGuideLiteralRefreshThrows: the guide's withSession({constraint: …})
// throws the TypeError on every refresh, before any query; the rest of
// the flow works.
func TestGuideLiteralRefreshThrows(t *testing.T) {
	h := run(t, workloads.GuideLiteral, runner.BookmarksCarry, 1, 120)
	refreshes := 0
	for _, op := range histtest.Pairs(h) {
		if op.Invoke.F != auth.FRefresh {
			if op.Done.Type != history.OK {
				t.Errorf("%s %s: %s %s", op.Invoke.F, op.Invoke.Key, op.Done.Type, op.Done.Error)
			}
			continue
		}
		refreshes++
		if op.Done.Type != history.Fail || op.Done.Error != "TypeError: constraintOrBookmark?.trim is not a function" || len(op.Done.Trace) != 0 {
			t.Fatalf("refresh %+v", op.Done)
		}
	}
	if refreshes == 0 {
		t.Fatal("no refresh in 120 ops")
	}
}
