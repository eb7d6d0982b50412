package checker

import (
	"fmt"
	"slices"
	"sort"
	"strings"

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
func wentBelow(r *Op, v int64) bool { return r.In.Action == model.Observe && r.Out.Hi < v }

// versionRead says what a versioned read saw.
func versionRead(r *Op) string {
	switch lo, hi := r.Out.Lo, r.Out.Hi; {
	case lo == 0 && hi == 0:
		return "version 0 (absent)"
	case lo == hi:
		return fmt.Sprintf("version %d", lo)
	case hi == model.NoBound:
		return fmt.Sprintf("version %d or newer", lo)
	case lo == 0:
		return fmt.Sprintf("version %d or older", hi)
	}
	return fmt.Sprintf("a version from %d to %d", r.Out.Lo, r.Out.Hi)
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
	t := when(r.Call, r.Return, k.Return)
	return p.anomaly(kind, fmt.Sprintf(
		"%s, invoked at %s, read %s %s at %s at %s although the same client's earlier request %s %s at %s, so the user saw it go back: the bookmark of %s's response (session %s) was not carried into session %s%s",
		r.name(), t[0], r.spec.noun, r.Key, versionRead(r), t[1], k.name(), what, t[2], k.ref(), k.Session, r.Session, ci.served(r)), k, r)
}

// neverWritten finds the versioned reads that saw a version nobody
// wrote: no write that could have come before the read (ok or
// indeterminate, invoked before it returned) wrote a version in what it
// read, and it did not read the absent entity. Porcupine's model keeps
// only the newest version, so it accepts such a read whenever the version
// is below the newest; this check is the rest of the model. (Linearizing
// every write at its invoke and every read at its return is the most
// favourable order, so a read that fails here fails in every order.) At
// most one anomaly per partition: the first such read.
func neverWritten(p *partition, ci *CommitIndex) []Anomaly {
	if p.kind != model.VersionedKind {
		return nil
	}
	for _, r := range p.oks(model.Observe) {
		if r.Out.Lo == 0 {
			continue // the entity was absent before any write
		}
		var seen []int64
		produced := false
		for _, w := range p.ops {
			if w.In.Action != model.Advance || before(r, w) || r.precedes(w) {
				continue
			}
			v := w.In.Version
			if v >= r.Out.Lo && v <= r.Out.Hi {
				produced = true
				break
			}
			seen = append(seen, v)
		}
		if produced {
			continue
		}
		return []Anomaly{p.anomaly(NonLinearizable, fmt.Sprintf(
			"%s, invoked at %s and completed at %s, read %s, which no write produced: %s%s",
			r.name(), ms(r.Call), ms(r.Return), versionRead(r), writtenBy(r, seen), ci.served(r)), r)}
	}
	return nil
}

// writtenBy says which versions had been written by the time r returned.
func writtenBy(r *Op, versions []int64) string {
	slices.Sort(versions)
	versions = slices.Compact(versions)
	if len(versions) == 0 {
		return fmt.Sprintf("no version of %s %s had been written when it read", r.spec.noun, r.Key)
	}
	s := make([]string, len(versions))
	for i, v := range versions {
		s[i] = fmt.Sprint(v)
	}
	if len(s) > 6 {
		s = append(s[:3], "…", s[len(s)-2], s[len(s)-1])
	}
	if len(s) == 1 {
		return fmt.Sprintf("the only version of %s %s written before it returned was %s", r.spec.noun, r.Key, s[0])
	}
	return fmt.Sprintf("the versions of %s %s written before it returned were %s and %s", r.spec.noun, r.Key, strings.Join(s[:len(s)-1], ", "), s[len(s)-1])
}
