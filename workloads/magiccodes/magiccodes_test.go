package magiccodes_test

import (
	"testing"

	"github.com/d1check/d1check/history"
	"github.com/d1check/d1check/runner"
	"github.com/d1check/d1check/workloads"
	"github.com/d1check/d1check/workloads/internal/histtest"
	"github.com/d1check/d1check/workloads/magiccodes"
)

func run(t *testing.T, variant, bookmarks string, seed int64, ops int) *history.History {
	return histtest.Run(t, runner.Config{
		Workload: magiccodes.Workload{}, Clients: 8, Ops: ops, Seed: seed,
		Keys:     workloads.KeySpace{Count: 10, Hot: 0.5, HotKeys: 2},
		Variants: []string{variant}, Bookmarks: bookmarks,
	}, histtest.Lagged(seed))
}

// anomalies counts, on the raw history, codes used twice (two valid
// verifies, or a final read disagreeing with the verifies) and stale
// rejects (a verify that found no code although the code's issue had
// returned before it was invoked, and no other verify of the code began
// before it returned, so none can have used the code first).
func anomalies(t *testing.T, h *history.History) (doubleUse, staleReject int) {
	issued := map[string]int64{}     // key -> issue completion
	verifies := map[string][]int64{} // key -> verify invoke times
	ops := histtest.Pairs(h)
	for _, op := range ops {
		k := op.Invoke.Key
		switch {
		case op.Invoke.F == magiccodes.FIssue && op.Done.Type == history.OK:
			issued[k] = op.Done.Time
		case op.Invoke.F == magiccodes.FVerify:
			verifies[k] = append(verifies[k], op.Invoke.Time)
		}
	}
	valid := map[string]int{}
	for _, op := range ops {
		if op.Done.Type != history.OK {
			continue
		}
		k := op.Invoke.Key
		v := histtest.Value(t, op.Done)
		switch op.Invoke.F {
		case magiccodes.FVerify:
			if v["valid"] == true {
				valid[k]++
				if valid[k] == 2 {
					doubleUse++
				}
				continue
			}
			at, ok := issued[k]
			if ok && op.Invoke.Time > at && alone(verifies[k], op) {
				staleReject++
			}
		case magiccodes.FRead:
			if (valid[k] > 0) != (v["used"] == true) {
				t.Errorf("%s: %d valid verifies but final read %v", k, valid[k], v)
			}
			if _, ok := issued[k]; ok && v["issued"] != true {
				t.Errorf("%s: acknowledged issue missing from the final read", k)
			}
		}
	}
	return doubleUse, staleReject
}

// alone reports whether op is the only verify in invokes that began
// before op returned.
func alone(invokes []int64, op histtest.Op) bool {
	n := 0
	for _, at := range invokes {
		if at < op.Done.Time {
			n++
		}
	}
	return n == 1
}

// TestUnconstrainedRaces: the guide's verifyMagicCode through a
// per-request session lets a code be used twice and rejects a just-issued
// one, for some seed within a bounded number of ops.
func TestUnconstrainedRaces(t *testing.T) {
	for seed := int64(1); seed <= 5; seed++ {
		double, stale := anomalies(t, run(t, workloads.Unconstrained, runner.BookmarksNone, seed, 600))
		t.Logf("seed %d: %d codes used twice, %d stale rejects", seed, double, stale)
		if double > 0 && stale > 0 {
			return
		}
	}
	t.Fatal("no seed in 1..5 produced both a double use and a stale reject in 600 ops")
}

// TestFirstPrimaryStillRaces: reading the primary first does not stop two
// submits from both passing the SELECT before either UPDATE.
func TestFirstPrimaryStillRaces(t *testing.T) {
	for seed := int64(1); seed <= 5; seed++ {
		if double, _ := anomalies(t, run(t, workloads.FirstPrimary, runner.BookmarksNone, seed, 600)); double > 0 {
			return
		}
	}
	t.Fatal("no seed in 1..5 produced a double use with first-primary")
}

// TestAtomicNever: UPDATE … WHERE used_at IS NULL RETURNING id on the
// primary: never a double use or a stale reject.
func TestAtomicNever(t *testing.T) {
	for seed := int64(1); seed <= 3; seed++ {
		for _, pol := range []string{runner.BookmarksNone, runner.BookmarksCarry} {
			h := run(t, workloads.Atomic, pol, seed, 600)
			if double, stale := anomalies(t, h); double != 0 || stale != 0 {
				t.Errorf("seed %d %s: %d double uses, %d stale rejects", seed, pol, double, stale)
			}
			for _, e := range h.Events {
				if e.Type == history.Fail || e.Type == history.Info {
					t.Errorf("seed %d %s: event %d %s %s: %s", seed, pol, e.Index, e.Type, e.F, e.Error)
				}
			}
		}
	}
}

// TestGuideLiteralThrows: the guide's withSession({constraint: …}) throws
// before any query: every client op fails, certainly, with the TypeError.
func TestGuideLiteralThrows(t *testing.T) {
	h := run(t, workloads.GuideLiteral, runner.BookmarksNone, 1, 40)
	for _, op := range histtest.Pairs(h) {
		if op.Invoke.F == magiccodes.FRead {
			continue
		}
		if op.Done.Type != history.Fail || op.Done.Error != "TypeError: constraintOrBookmark?.trim is not a function" || len(op.Done.Trace) != 0 {
			t.Fatalf("op %+v", op.Done)
		}
	}
}
