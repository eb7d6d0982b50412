package checker

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/d1check/d1check/history"
)

// Defaults for Options' caps.
const (
	DefaultMaxAnomalies      = 1000
	DefaultMaxVisualizations = 8
)

// unitOf is what each check counts.
var unitOf = map[string]string{CheckLinearizability: "partitions", CheckSessionGuarantees: "sessions", CheckInvariants: "keys"}

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
	// stop, when closed, makes the partitions not yet checked unknown.
	stop <-chan struct{}
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
	return CheckContext(context.Background(), h, opts)
}

// CheckContext is Check that stops, with ErrInterrupted, soon after ctx
// is done: between partitions (a partition porcupine has started runs to
// its end or the timeout). A run cut short by a signal is not held up by
// the check of a history that no one will read the verdict of.
func CheckContext(ctx context.Context, h *history.History, opts Options) (*Result, error) {
	if h == nil {
		return nil, errors.New("checker: nil history")
	}
	ops, err := pairOps(h.Events)
	if err != nil {
		return nil, err
	}
	opts.stop = ctx.Done()
	res := check(ops, opts)
	if ctx.Err() != nil {
		return nil, ErrInterrupted
	}
	return res, nil
}

// CheckStream reads a history from r and checks it without holding its
// events: only the operations they pair into. The History it returns has
// the header and what the reader noticed, but no Events. name is the
// file's name in error messages.
func CheckStream(r io.Reader, name string, opts Options) (*Result, *history.History, error) {
	return CheckStreamContext(context.Background(), r, name, opts)
}

// ErrInterrupted is the error of a check stopped by its context: there is
// no verdict, not even unknown.
var ErrInterrupted = errors.New("check interrupted before a verdict")

// CheckStreamContext is CheckStream that stops, with ErrInterrupted, soon
// after ctx is done: between events while reading, and between
// partitions while checking (a partition porcupine has started runs to
// its end or the timeout).
func CheckStreamContext(ctx context.Context, r io.Reader, name string, opts Options) (*Result, *history.History, error) {
	p := newPairer()
	n := 0
	h, err := history.Stream(r, name, func(e history.Event) error {
		if n++; n%4096 == 0 && ctx.Err() != nil {
			return ErrInterrupted
		}
		return p.add(&e)
	})
	if err != nil {
		var ie *InputError
		if errors.As(err, &ie) {
			err = fmt.Errorf("%s: %w", name, err)
		}
		return nil, nil, err
	}
	opts.stop = ctx.Done()
	res := check(p.finish(), opts)
	if ctx.Err() != nil {
		return nil, nil, ErrInterrupted
	}
	return res, h, nil
}

// NoOperations is the note of every check of a history with no operation
// (a run killed before its first): nothing was checked, which must never
// pass a gate as valid.
const NoOperations = "no operations to check: the history records none, so nothing was tested"

func check(ops []*Op, opts Options) *Result {
	if len(ops) == 0 {
		res := &Result{Verdict: Unknown, Anomalies: []Anomaly{}}
		for _, name := range []string{CheckLinearizability, CheckSessionGuarantees, CheckInvariants} {
			res.Checks = append(res.Checks, CheckResult{Name: name, Verdict: Unknown, Unit: unitOf[name], Note: NoOperations})
		}
		return res
	}
	opts = opts.withDefaults()
	ci := newCommitIndex(ops)

	lin, linA, failures := checkLinearizability(ops, ci, opts)
	ses, sesA := checkSessions(ops, ci)
	inv, invA := checkInvariants(ops)
	blameExplained(linA, sesA, invA)

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
	return res
}
