package soak

import (
	"github.com/d1check/d1check/checker"
	"github.com/d1check/d1check/history"
)

// tally is one scenario's windows merged: its checker results and the
// digest of its history the report is drawn from. Its size is bounded by
// the caps, not by the number of windows.
type tally struct {
	windows int
	result  *checker.Result
	digest  []history.Event
	faults  int // nemesis events in digest
}

// add merges one window's result r, and the events it needs from evs,
// keeping at most maxAnomalies anomalies and maxFailures porcupine
// visualizations in all. Counts are summed exactly, checks and variants
// matched by name.
func (t *tally) add(r *checker.Result, evs []history.Event, maxAnomalies, maxFailures int) {
	t.windows++
	if t.result == nil {
		t.result = &checker.Result{Verdict: checker.Valid, Anomalies: []checker.Anomaly{}}
	}
	m := t.result
	m.Verdict = checker.Worse(m.Verdict, r.Verdict)
	for _, c := range r.Checks {
		mergeCheck(m, c)
	}
	keep := map[int]bool{}
	for _, a := range r.Anomalies {
		if len(m.Anomalies) >= maxAnomalies {
			break
		}
		m.Anomalies = append(m.Anomalies, a)
		for _, i := range a.Events {
			keep[i] = true
		}
	}
	for _, f := range r.Failures {
		if len(m.Failures) >= maxFailures {
			break
		}
		m.Failures = append(m.Failures, f)
	}
	for _, e := range evs {
		nem := e.Type == history.Nemesis && t.faults < MaxFaultEvents
		if nem || keep[e.Index] {
			t.digest = append(t.digest, e)
		}
		if nem {
			t.faults++
		}
	}
}

// mergeCheck adds c's counts to the check of the same name in m.
func mergeCheck(m *checker.Result, c checker.CheckResult) {
	for i := range m.Checks {
		if m.Checks[i].Name != c.Name {
			continue
		}
		mc := &m.Checks[i]
		mc.Verdict = checker.Worse(mc.Verdict, c.Verdict)
		mc.Checked += c.Checked
		mc.Failed += c.Failed
		mc.Unknown += c.Unknown
		mc.Anomalies += c.Anomalies
		mc.NotApplicable += c.NotApplicable
		if mc.Note == "" {
			mc.Note = c.Note
		}
		for _, v := range c.Variants {
			mergeVariant(mc, v)
		}
		return
	}
	c.Variants = append([]checker.VariantResult(nil), c.Variants...)
	m.Checks = append(m.Checks, c)
}

func mergeVariant(mc *checker.CheckResult, v checker.VariantResult) {
	for i := range mc.Variants {
		if mv := &mc.Variants[i]; mv.Variant == v.Variant {
			mv.Verdict = checker.Worse(mv.Verdict, v.Verdict)
			mv.Checked += v.Checked
			mv.Failed += v.Failed
			mv.Unknown += v.Unknown
			return
		}
	}
	mc.Variants = append(mc.Variants, v)
}
