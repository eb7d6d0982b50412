package selftest

import (
	"fmt"
	"time"

	"github.com/d1check/d1check/checker"
	"github.com/d1check/d1check/emulator"
	"github.com/d1check/d1check/nemesis"
	"github.com/d1check/d1check/runner"
	"github.com/d1check/d1check/scenarios"
	"github.com/d1check/d1check/workloads"
	"github.com/d1check/d1check/workloads/magiccodes"
	"github.com/d1check/d1check/workloads/users"
)

// subject is a workload the matrix runs and the key space it runs on.
type subject struct {
	w workloads.Workload
	// keys is the key space per variant ("" for any other). Sessions that
	// carry bookmarks need to meet their own keys again soon (few keys,
	// mostly one fresh hot key at a time); cross-session stale reads need
	// keys that others created a moment ago (more keys, some hot).
	keys map[string]workloads.KeySpace
}

func (s subject) keySpace(variant string) workloads.KeySpace {
	if k, ok := s.keys[variant]; ok {
		return k
	}
	return s.keys[""]
}

// known are the workloads the matrix runs, by scenario name. A new
// workload (auth, catalog, cdn, domain-search) joins by adding itself here
// and its rows to cells.
var known = map[string]subject{
	"users": {users.Workload{}, map[string]workloads.KeySpace{
		"":              {Count: 5, Hot: 0.7, HotKeys: 1},
		workloads.Plain: {Count: 10, Hot: 0.4, HotKeys: 2},
	}},
	"magic-codes": {magiccodes.Workload{}, map[string]workloads.KeySpace{"": {Count: 10, Hot: 0.4, HotKeys: 2}}},
}

// sessionKinds are the anomalies of the session-guarantees check.
var sessionKinds = []checker.Kind{checker.ReadYourWrites, checker.MonotonicRead, checker.BookmarkRegression}

// cells is the matrix: each planted bug on the configurations that can
// expose it, with the check and kinds that must fire ("" check: any).
//
// Why these configurations: the replica bugs (bookmarks ignored or lied
// about, lost or reordered commits) break D1's promise within a session,
// which only a session that carries its bookmark across requests can
// observe; the unconstrained variant reads replicas with it. Their
// control is the same traffic without the bug: session-guarantees must
// then be valid. plain-reads-replica breaks the promise that plain env.DB
// reads the primary: a plain read-then-write races on the primary anyway
// (duplicate-create, double-use), but never reads stale data there, so a
// stale read, a false reject, or a final read (plain, too) missing an
// acknowledged create is its signature.
func cells() []Cell {
	var out []Cell
	for _, w := range []string{"users", "magic-codes"} {
		for _, bug := range []string{emulator.BugIgnoreBookmark, emulator.BugLyingBookmark, emulator.BugLostWrite, emulator.BugOutOfOrder} {
			if w == "users" && bug == emulator.BugOutOfOrder {
				continue // see uncovered
			}
			one := bug == emulator.BugLostWrite || bug == emulator.BugOutOfOrder
			out = append(out, Cell{Bug: bug, Workload: w, Variant: workloads.Unconstrained, Bookmarks: runner.BookmarksCarry,
				OneRegion: one, Check: checker.CheckSessionGuarantees, Kinds: sessionKinds})
		}
	}
	out = append(out,
		Cell{Bug: emulator.BugPlainReadsReplica, Workload: "users", Variant: workloads.Plain, Bookmarks: runner.BookmarksNone,
			Kinds: []checker.Kind{checker.StaleRead, checker.LostWrite}},
		Cell{Bug: emulator.BugPlainReadsReplica, Workload: "magic-codes", Variant: workloads.Plain, Bookmarks: runner.BookmarksNone,
			Check: checker.CheckLinearizability, Kinds: []checker.Kind{checker.FalseReject, checker.StaleRead}},
	)
	return out
}

// uncovered are planted bugs (or bug × workload pairs) the matrix does
// not gate on, and why.
var uncovered = map[string]string{
	emulator.BugNonAtomicBatch: "no workload sends a batch yet; an op that batches a write with a statement that can fail " +
		"(e.g. magic-codes issue_code as batch[UPDATE earlier codes SET used_at, INSERT the code] against a UNIQUE(email, code) " +
		"that a re-issue violates) would show the failed batch's first statement as a used code nobody verified (linearizability)",
	emulator.BugOutOfOrder + " × users": "users only inserts distinct rows, so a swapped pair heals at the next apply and only " +
		"the writer reading its own email inside that window sees it: 15–17 of 20 seeds at 300 ops, too weak to gate on; " +
		"magic-codes catches it on every seed (a swapped issue/verify pair leaves the code unused on the replica for good)",
}

// controls are the configurations that must raise no alarm: every correct
// configuration, with and without every emulator fault, and for each
// cell the same traffic without its bug.
func controls(cs []Cell) []Control {
	var out []Control
	for _, w := range []string{"users", "magic-codes"} {
		for _, b := range []string{runner.BookmarksNone, runner.BookmarksCarry} {
			for _, faults := range []bool{false, true} {
				name := "correct"
				if faults {
					name = "correct under faults"
				}
				out = append(out, Control{Name: name, Workload: w, Variant: workloads.Atomic, Bookmarks: b, Faults: faults})
			}
		}
	}
	seen := map[string]bool{}
	for _, c := range cs {
		ctl := Control{Name: "without the bug", Workload: c.Workload, Variant: c.Variant, Bookmarks: c.Bookmarks,
			OneRegion: c.OneRegion, Check: c.Check, Kinds: c.Kinds}
		if k := fmt.Sprint(ctl); !seen[k] {
			seen[k] = true
			out = append(out, ctl)
		}
	}
	return out
}

// allFaults is every fault the emulator can apply, packed into the first
// tens of milliseconds of a run (a selftest run lasts a few hundred): a
// request-timeout that loses answers before and after they run, a paused
// region, a lag spike, replicas restarted from older snapshots and a slow
// primary. drop-bookmark waits for the runner's seam (see nemesis).
func allFaults() []scenarios.Fault {
	ms := time.Millisecond
	return []scenarios.Fault{
		{At: 0, Kind: nemesis.RequestTimeout, For: 60 * ms},
		{At: 5 * ms, Kind: nemesis.PauseReplication, Region: "WEUR", For: 40 * ms},
		{At: 10 * ms, Kind: nemesis.LagSpike, Region: "APAC", For: 40 * ms, Lag: 30 * ms},
		{At: 15 * ms, Kind: nemesis.RestartReplica, Region: "OC", Snapshot: 5},
		{At: 20 * ms, Kind: nemesis.SlowPrimary, For: 30 * ms, Delay: 2 * ms},
		{At: 40 * ms, Kind: nemesis.RestartReplica, Snapshot: 3},
	}
}
