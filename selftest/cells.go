package selftest

import (
	"fmt"
	"slices"
	"time"

	"github.com/d1check/d1check/checker"
	"github.com/d1check/d1check/emulator"
	"github.com/d1check/d1check/nemesis"
	"github.com/d1check/d1check/opspec"
	"github.com/d1check/d1check/runner"
	"github.com/d1check/d1check/workloads"
	"github.com/d1check/d1check/workloads/auth"
	"github.com/d1check/d1check/workloads/catalog"
	"github.com/d1check/d1check/workloads/cdn"
	"github.com/d1check/d1check/workloads/domainsearch"
	"github.com/d1check/d1check/workloads/magiccodes"
	"github.com/d1check/d1check/workloads/users"
)

// subject is a workload the matrix runs, the key space it runs on, and
// its correct configuration: the variant and bookmark policy that must
// stay valid under every fault.
type subject struct {
	w workloads.Workload
	// keys is the key space per variant ("" for any other). Sessions that
	// carry bookmarks need to meet their own keys again soon (few keys,
	// mostly one fresh hot key at a time); cross-session stale reads need
	// keys that others created a moment ago (more keys, some hot).
	keys map[string]workloads.KeySpace
	// correct is the variant that is right whatever the bookmark policy
	// (users' and magic-codes' atomic), or, for workloads whose reads may
	// be stale across requests by design, the variant that is right when
	// the client carries its bookmark (carryOnly).
	correct   string
	carryOnly bool
	// carried is the variant the replica bugs' cells run with carried
	// bookmarks: one whose reads replicas serve.
	carried string
}

func (s subject) keySpace(variant string) workloads.KeySpace {
	if k, ok := s.keys[variant]; ok {
		return k
	}
	return s.keys[""]
}

// few is the key space of the workloads whose clients carry a bookmark
// across a product's, folder's, job's or login's life.
var few = map[string]workloads.KeySpace{"": {Count: 10, Hot: 0.5, HotKeys: 2}}

// known are the workloads the matrix runs, by scenario name. A new
// workload joins by adding itself here and to order.
var known = map[string]subject{
	opspec.Users.Name: {w: users.Workload{}, correct: workloads.Atomic, carried: workloads.Unconstrained, keys: map[string]workloads.KeySpace{
		"":              {Count: 5, Hot: 0.7, HotKeys: 1},
		workloads.Plain: {Count: 10, Hot: 0.4, HotKeys: 2},
	}},
	opspec.MagicCodes.Name:   {w: magiccodes.Workload{}, correct: workloads.Atomic, carried: workloads.Unconstrained, keys: map[string]workloads.KeySpace{"": {Count: 10, Hot: 0.4, HotKeys: 2}}},
	opspec.Auth.Name:         {w: auth.Workload{}, correct: workloads.Atomic, carryOnly: true, carried: workloads.Atomic, keys: few},
	opspec.Catalog.Name:      {w: catalog.Workload{}, correct: workloads.Unconstrained, carryOnly: true, carried: workloads.Unconstrained, keys: few},
	opspec.CDN.Name:          {w: cdn.Workload{}, correct: workloads.Unconstrained, carryOnly: true, carried: workloads.Unconstrained, keys: few},
	opspec.DomainSearch.Name: {w: domainsearch.Workload{}, correct: workloads.Unconstrained, carryOnly: true, carried: workloads.Unconstrained, keys: few},
}

// order is known's order in the table.
var order = []string{opspec.Users.Name, opspec.MagicCodes.Name, opspec.Auth.Name, opspec.Catalog.Name, opspec.CDN.Name, opspec.DomainSearch.Name}

// Workloads lists the workloads the matrix has cells for, in the table's
// order: what Options.Workloads may name.
func Workloads() []string { return slices.Clone(order) }

// sessionKinds are the anomalies of the session-guarantees check.
var sessionKinds = checker.KindsOf(checker.CheckSessionGuarantees)

// replicaBugs break D1's promise within a session.
var replicaBugs = []string{emulator.BugIgnoreBookmark, emulator.BugLyingBookmark, emulator.BugLostWrite, emulator.BugOutOfOrder}

// opsFor is each cell's op bound: half again or more of the most any
// seed needed over repeated full runs, some on a loaded machine (where
// replicas catch up between a client's slower requests, so the bugs show
// less often): DefaultOps where that is enough (every other cell needed
// at most 257). The exceptions are where what exposes the bug is rarer:
// users' clients meet their own or each other's fresh users less often
// than the other workloads' clients meet their keys (a user is created
// once; a product, folder or job is written again and again: up to 592
// ops needed); lost-write on auth needs the lost commit to be a login its
// client then checks (up to 356); out-of-order on magic-codes needs an
// issue and its verify to be the swapped pair (up to 271).
func opsFor(bug, workload string) int {
	switch {
	case workload == opspec.Users.Name && bug == emulator.BugPlainReadsReplica:
		// On simulated time one seed of 20 (13) shows its first stale
		// read between op 1000 and 1600.
		return 1600
	case workload == opspec.Users.Name, workload == opspec.Auth.Name && bug == emulator.BugLostWrite:
		return 800
	case workload == opspec.MagicCodes.Name && bug == emulator.BugOutOfOrder:
		return 600
	}
	return DefaultOps
}

// cells is the matrix: each planted bug on the configurations that can
// expose it, with the check and kinds that must fire ("" check: any).
//
// Why these configurations: the replica bugs (bookmarks ignored or lied
// about, lost or reordered commits) break D1's promise within a session,
// which only a session that carries its bookmark across requests can
// observe, through a variant that reads replicas (unconstrained; auth's
// atomic variant reads the hook's session on a replica too). Their
// control is the same traffic without the bug: session-guarantees must
// then be valid. plain-reads-replica breaks the promise that plain env.DB
// reads the primary: a plain read-then-write races on the primary anyway
// (duplicate-create, double-use), but never reads stale data there, so a
// stale read, a false reject, or a final read (plain, too) missing an
// acknowledged create is its signature. non-atomic-batch needs a batch
// that fails after a statement that changed something: domain-search's
// double-submitted config save, whose INSERT hits the primary key after
// its UPDATE retired the active config; on plain env.DB (the primary
// only) the admin's reload then finds no config although it just saved
// one, which only a broken batch explains.
func cells() []Cell {
	var out []Cell
	for _, w := range order {
		variant := known[w].carried
		for _, bug := range replicaBugs {
			if _, skip := uncovered[bug+" × "+w]; skip {
				continue
			}
			one := bug == emulator.BugLostWrite || bug == emulator.BugOutOfOrder
			c := Cell{Bug: bug, Workload: w, Variant: variant, Bookmarks: runner.BookmarksCarry,
				OneRegion: one, Check: checker.CheckSessionGuarantees, Kinds: sessionKinds}
			if w == opspec.Auth.Name && bug == emulator.BugLostWrite {
				// A lost login makes the user appear logged out. The
				// session check cannot always pin that on D1: it reads a
				// hook's "no session" as the null a logout also writes,
				// and gives up when that logout might explain it (it
				// does not yet rule out writes invoked after the read).
				// Linearizability reports it as a stale read — which on
				// this correct configuration (its control forbids every
				// anomaly) only a broken replica explains.
				c.Check, c.Kinds = "", append(append([]checker.Kind(nil), sessionKinds...), checker.StaleRead)
			}
			out = append(out, c)
		}
	}
	out = append(out,
		Cell{Bug: emulator.BugNonAtomicBatch, Workload: opspec.DomainSearch.Name, Variant: workloads.Plain, Bookmarks: runner.BookmarksNone,
			Check: checker.CheckLinearizability, Kinds: []checker.Kind{checker.StaleRead, checker.MonotonicRead}},
		Cell{Bug: emulator.BugPlainReadsReplica, Workload: opspec.Users.Name, Variant: workloads.Plain, Bookmarks: runner.BookmarksNone,
			Kinds: []checker.Kind{checker.StaleRead, checker.LostWrite}},
		Cell{Bug: emulator.BugPlainReadsReplica, Workload: opspec.MagicCodes.Name, Variant: workloads.Plain, Bookmarks: runner.BookmarksNone,
			Check: checker.CheckLinearizability, Kinds: []checker.Kind{checker.FalseReject, checker.StaleRead}},
	)
	for i := range out {
		out[i].Ops = opsFor(out[i].Bug, out[i].Workload)
	}
	return out
}

// uncovered are planted bugs (or bug × workload pairs) the matrix does
// not gate on, and why.
var uncovered = map[string]string{
	emulator.BugOutOfOrder + " × " + opspec.Users.Name: "users only inserts distinct rows, so a swapped pair heals at the next apply and only " +
		"the writer reading its own email inside that window sees it: 15–17 of 20 seeds at 300 ops, too weak to gate on; " +
		"every other workload catches it on every seed (a swapped pair leaves a newer version before an older one)",
}

// controls are the configurations that must raise no alarm: every
// workload's correct configuration, with and without every emulator
// fault, and for each cell the same traffic without its bug.
func controls(cs []Cell) []Control {
	var out []Control
	for _, w := range order {
		sub := known[w]
		policies := []string{runner.BookmarksNone, runner.BookmarksCarry}
		if sub.carryOnly {
			policies = policies[1:]
		}
		for _, b := range policies {
			for _, faults := range []bool{false, true} {
				name := "correct"
				if faults {
					name = "correct under faults"
				}
				out = append(out, Control{Name: name, Workload: w, Variant: sub.correct, Bookmarks: b, Faults: faults, Ops: DefaultOps})
			}
		}
	}
	// A cell's traffic without its bug is a control of its own, unless a
	// correct control already runs it (and forbids every anomaly). Cells
	// with the same traffic share one control, with the largest op bound
	// among them and everything any of them must detect forbidden.
	correct := map[string]bool{}
	for _, c := range out {
		if !c.Faults {
			correct[runOf(c.Workload, c.Variant, c.Bookmarks, false)] = true
		}
	}
	at := map[string]int{}
	for _, c := range cs {
		k := runOf(c.Workload, c.Variant, c.Bookmarks, c.OneRegion)
		if correct[k] {
			continue
		}
		i, ok := at[k]
		if !ok {
			at[k] = len(out)
			out = append(out, Control{Name: "without the bug", Workload: c.Workload, Variant: c.Variant, Bookmarks: c.Bookmarks,
				OneRegion: c.OneRegion, Check: c.Check, Kinds: c.Kinds, Ops: c.Ops})
			continue
		}
		ctl := &out[i]
		ctl.Ops = max(ctl.Ops, c.Ops)
		if ctl.Check != c.Check {
			ctl.Check = ""
		}
		for _, k := range c.Kinds {
			if !slices.Contains(ctl.Kinds, k) {
				ctl.Kinds = append(slices.Clip(ctl.Kinds), k)
			}
		}
	}
	return out
}

// runOf names a bug-free configuration, to run each only once.
func runOf(workload, variant, bookmarks string, oneRegion bool) string {
	return fmt.Sprint(workload, "/", variant, "/", bookmarks, "/", oneRegion)
}

// allFaults is every fault the emulator can apply, packed into the first
// tens of milliseconds of a run (a selftest run lasts a few hundred): a
// request-timeout that loses answers before and after they run, a paused
// region, a lag spike, replicas restarted from older snapshots and a slow
// primary. drop-bookmark is a client-side fault, which harness.Fresh's
// server-side faults leave out.
func allFaults() []nemesis.Fault {
	ms := time.Millisecond
	return []nemesis.Fault{
		{At: 0, Kind: nemesis.RequestTimeout, For: 60 * ms},
		{At: 5 * ms, Kind: nemesis.PauseReplication, Region: "WEUR", For: 40 * ms},
		{At: 10 * ms, Kind: nemesis.LagSpike, Region: "APAC", For: 40 * ms, Lag: 30 * ms},
		{At: 15 * ms, Kind: nemesis.RestartReplica, Region: "OC", Snapshot: 5},
		{At: 20 * ms, Kind: nemesis.SlowPrimary, For: 30 * ms, Delay: 2 * ms},
		{At: 40 * ms, Kind: nemesis.RestartReplica, Snapshot: 3},
	}
}
