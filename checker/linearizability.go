package checker

import (
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/anishathalye/porcupine"
)

// checkLinearizability checks every partition with porcupine. Partitions
// are checked one porcupine call each, by a pool of GOMAXPROCS workers,
// rather than in one call with a Partition function: one call stops at the
// first illegal partition (or keeps every partition's linearization info
// in verbose mode), while the report needs a verdict for each. The
// partitions porcupine rejects are checked again, verbosely, for the
// visualization, up to opts.MaxVisualizations.
func checkLinearizability(ops []*Op, ci *commitIndex, opts Options) (CheckResult, []Anomaly, []PartitionFailure) {
	parts := partitionOps(ops)
	ms := newModels()
	deadline := deadlineOf(opts.Timeout)
	verdicts := runPartitions(parts, ms, deadline, opts.stop)

	res := CheckResult{Name: CheckLinearizability, Unit: "partitions", Checked: len(parts)}
	tally := newVariantTally()
	var anomalies []Anomaly
	var failures []PartitionFailure
	for i, p := range parts {
		v := verdictOf(verdicts[i])
		rejected := v == Invalid
		regressed := clientRegressions(p, ci)
		if !rejected {
			// Porcupine's versioned model keeps only the newest version.
			regressed = append(neverWritten(p, ci), regressed...)
		}
		if len(regressed) > 0 {
			v = Invalid
		}
		tally.add(p.variant, v)
		switch v {
		case Unknown:
			res.Unknown++
		case Invalid:
			res.Failed++
			if rejected {
				anomalies = append(anomalies, classify(p, ci, ms.of(p), deadline)...)
				if len(failures) < opts.MaxVisualizations {
					failures = append(failures, visualize(p, ms, deadline))
				}
			}
			anomalies = append(anomalies, regressed...)
		}
	}
	res.Verdict = tally.verdict()
	res.Variants = tally.results()
	if res.Unknown > 0 {
		res.Note = "porcupine timed out on some partitions: their verdict is unknown, never valid"
	}
	return res, anomalies, failures
}

func verdictOf(r porcupine.CheckResult) Verdict {
	switch r {
	case porcupine.Ok:
		return Valid
	case porcupine.Illegal:
		return Invalid
	}
	return Unknown
}

// deadlineOf turns the per-run timeout into a deadline; zero means none.
func deadlineOf(timeout time.Duration) time.Time {
	if timeout <= 0 {
		return time.Time{}
	}
	return time.Now().Add(timeout)
}

// remaining is the time left before deadline: 0 means "no limit" to
// porcupine, so an expired deadline reports ok=false instead.
func remaining(deadline time.Time) (time.Duration, bool) {
	if deadline.IsZero() {
		return 0, true
	}
	d := time.Until(deadline)
	return d, d > 0
}

// runPartitions checks each partition and returns porcupine's answers in
// partition order. The workers are owned by this call and have all
// returned when it does; once the run's deadline has passed or stop is
// closed, the partitions not yet checked are Unknown.
func runPartitions(parts []*partition, ms models, deadline time.Time, stop <-chan struct{}) []porcupine.CheckResult {
	out := make([]porcupine.CheckResult, len(parts))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(parts)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(parts) {
					return
				}
				left, ok := remaining(deadline)
				if !ok || stopped(stop) {
					out[i] = porcupine.Unknown
					continue
				}
				p := parts[i]
				out[i] = porcupine.CheckOperationsTimeout(ms.of(p), p.operations(false), left)
			}
		}()
	}
	wg.Wait()
	return out
}

func stopped(stop <-chan struct{}) bool {
	select {
	case <-stop:
		return true
	default:
		return false
	}
}

// visualize re-checks a rejected partition verbosely for porcupine's
// visualization.
func visualize(p *partition, ms models, deadline time.Time) PartitionFailure {
	left, ok := remaining(deadline)
	if !ok {
		left = time.Nanosecond // out of time: porcupine returns what it has
	}
	m := ms.of(p)
	_, info := porcupine.CheckOperationsVerbose(m, p.operations(true), left)
	f := PartitionFailure{Model: p.kind.String(), Variant: p.variant, Key: p.key, Info: info, model: m}
	for _, o := range p.ops {
		f.Ops = append(f.Ops, o.Complete)
	}
	return f
}

// variantTally aggregates per-variant verdicts for a check.
type variantTally struct {
	by map[string]*VariantResult
}

func newVariantTally() *variantTally { return &variantTally{by: map[string]*VariantResult{}} }

func (t *variantTally) add(variant string, v Verdict) {
	r, ok := t.by[variant]
	if !ok {
		r = &VariantResult{Variant: variant, Verdict: Valid}
		t.by[variant] = r
	}
	r.Checked++
	switch v {
	case Invalid:
		r.Failed++
	case Unknown:
		r.Unknown++
	}
	r.Verdict = worse(r.Verdict, v)
}

func (t *variantTally) verdict() Verdict {
	v := Valid
	for _, r := range t.by {
		v = worse(v, r.Verdict)
	}
	return v
}

func (t *variantTally) results() []VariantResult {
	out := make([]VariantResult, 0, len(t.by))
	for _, r := range t.by {
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Variant < out[j].Variant })
	return out
}
