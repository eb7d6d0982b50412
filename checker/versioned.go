package checker

import (
	"fmt"
	"sort"

	"github.com/d1check/d1check/checker/model"
)

// floorOf is the version an op proves its reader has reached: the version
// it wrote, or the lowest the version it read can be.
func floorOf(o *Op) int64 {
	if o.In.Action == model.Advance {
		return o.In.Version
	}
	return o.Out.Lo
}

// wentBelow reports whether read r certainly saw a version older than v.
func wentBelow(r *Op, v int64) bool { return r.In.Action == model.Observe && r.Out.Hi <= v }

// versionRead says what a versioned read saw.
func versionRead(r *Op) string {
	switch {
	case r.Out.Hi == model.NoBound:
		return fmt.Sprintf("version %d or newer", r.Out.Lo)
	case r.Out.Lo == 0 && r.Out.Hi == 1:
		return "version 0 (absent)"
	case r.Out.Hi == r.Out.Lo+1:
		return fmt.Sprintf("version %d", r.Out.Lo)
	case r.Out.Lo == 0:
		return fmt.Sprintf("a version older than %d", r.Out.Hi)
	}
	return fmt.Sprintf("a version in [%d, %d)", r.Out.Lo, r.Out.Hi)
}

// clientRegressions holds each client (process) of a versioned partition
// to the newest version it wrote or saw in an earlier request, across its
// sessions: going back there is what the user sees (the admin's edit
// gone, a price flipping back, an uploaded file missing), and only
// carrying the bookmark between requests prevents it. Reads in the same
// session as the op that set the floor are left to the session check,
// which blames D1 instead. At most one anomaly per client.
func clientRegressions(p *partition, ci *CommitIndex) []Anomaly {
	if p.kind != model.VersionedKind {
		return nil
	}
	by := map[int][]*Op{}
	var procs []int
	for _, o := range p.ops {
		if !o.known() {
			continue
		}
		if _, ok := by[o.Process]; !ok {
			procs = append(procs, o.Process)
		}
		by[o.Process] = append(by[o.Process], o)
	}
	sort.Ints(procs)
	var out []Anomaly
	for _, proc := range procs {
		var floor *Op
		for _, r := range by[proc] { // a process's ops never overlap
			if floor != nil && floor.Session != r.Session && wentBelow(r, floorOf(floor)) {
				out = append(out, clientAnomaly(p, floor, r, ci))
				break
			}
			if floor == nil || floorOf(r) > floorOf(floor) {
				floor = r
			}
		}
	}
	return out
}

func clientAnomaly(p *partition, k, r *Op, ci *CommitIndex) Anomaly {
	kind, what := MonotonicRead, "had read "+versionRead(k)
	if k.In.Action == model.Advance {
		kind, what = StaleRead, fmt.Sprintf("had written version %d", k.In.Version)
	}
	return p.anomaly(kind, fmt.Sprintf(
		"%s read %s %s at %s at %s although the same client's earlier request %s %s at %s, so the user saw it go back: the bookmark of %s's response (session %s) was not carried into session %s%s",
		r.name(), r.spec.noun, r.Key, versionRead(r), ms(r.Return), k.name(), what, ms(k.Return), k.ref(), k.Session, r.Session, ci.served(r)), k, r)
}
