package checker

import (
	"errors"
	"time"

	"github.com/d1check/d1check/history"
)

// Defaults for Options' caps.
const (
	DefaultMaxAnomalies      = 1000
	DefaultMaxVisualizations = 8
)

// Options tune a check.
type Options struct {
	// Timeout bounds porcupine's work for the whole run; partitions it
	// cannot decide in time make the linearizability verdict unknown, never
	// valid. Zero means no limit.
	Timeout time.Duration
	// MaxAnomalies caps the anomalies kept per check (the counts stay
	// exact). Zero means DefaultMaxAnomalies; negative means no cap.
	MaxAnomalies int
	// MaxVisualizations caps the rejected partitions kept with porcupine's
	// linearization info. Zero means DefaultMaxVisualizations; negative
	// means none.
	MaxVisualizations int
}

func (o Options) withDefaults() Options {
	if o.MaxAnomalies == 0 {
		o.MaxAnomalies = DefaultMaxAnomalies
	}
	if o.MaxVisualizations == 0 {
		o.MaxVisualizations = DefaultMaxVisualizations
	}
	o.MaxVisualizations = max(o.MaxVisualizations, 0)
	return o
}

// Check runs the three checks on a history. An error means the history
// cannot be judged (an unknown op, a value that does not decode, a broken
// invoke/completion pairing), and names the event's line.
func Check(h *history.History, opts Options) (*Result, error) {
	if h == nil {
		return nil, errors.New("checker: nil history")
	}
	opts = opts.withDefaults()
	ops, err := pairOps(h.Events)
	if err != nil {
		return nil, err
	}
	ci := newCommitIndex(ops)

	lin, linA, failures := checkLinearizability(ops, ci, opts)
	ses, sesA := checkSessions(ops, ci)
	inv, invA := checkInvariants(ops)

	res := &Result{Verdict: Valid, Failures: failures, Anomalies: []Anomaly{}}
	for _, c := range []struct {
		r *CheckResult
		a []Anomaly
	}{{&lin, linA}, {&ses, sesA}, {&inv, invA}} {
		c.r.Anomalies = len(c.a)
		if opts.MaxAnomalies > 0 && len(c.a) > opts.MaxAnomalies {
			c.a = c.a[:opts.MaxAnomalies]
		}
		res.Anomalies = append(res.Anomalies, c.a...)
		res.Checks = append(res.Checks, *c.r)
		res.Verdict = Worse(res.Verdict, c.r.Verdict)
	}
	return res, nil
}
