package webapp

import (
	"context"
	"errors"
	"fmt"
	"github.com/d1check/d1check/httpspec"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/d1check/d1check/workloads"
)

// Name is the workload name a scenario gives for HTTP traffic.
const Name = httpspec.Workload

// Workload is an HTTP workload: it implements workloads.Workload, so the
// runner drives it like any other, over clients spread on D1's regions;
// each client's requests go to the app's socket for its region.
type Workload struct {
	spec   Spec
	byF    map[string]*Op
	base   func(region string) (string, error)
	client *http.Client
	seq    atomic.Int64
}

// New builds the workload of a validated spec. base gives the app's URL
// for a region (http://127.0.0.1:PORT).
func New(spec Spec, base func(region string) (string, error)) (*Workload, error) {
	if f, err := spec.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", f, err)
	}
	w := &Workload{spec: spec, byF: map[string]*Op{}, base: base}
	for i := range spec.Ops {
		o := &spec.Ops[i]
		for f, role := range roleOf {
			if role == o.Model+"/"+o.Does {
				w.byF[f] = o
			}
		}
	}
	w.client = &http.Client{
		Timeout: requestTimeout,
		Transport: &http.Transport{
			MaxIdleConns: 256, MaxIdleConnsPerHost: 64, IdleConnTimeout: 30 * time.Second,
			DisableCompression: true,
		},
		// A browser follows redirects; a redirect to a login page would
		// then fail the mapping, which is what it should do.
	}
	return w, nil
}

// requestTimeout bounds one request: an app that hangs makes the op
// indeterminate (a write) or failed (a read), never a stuck run.
const requestTimeout = 30 * time.Second

// Close releases the idle connections.
func (w *Workload) Close() { w.client.CloseIdleConnections() }

// Spec is the workload's spec.
func (w *Workload) Spec() Spec { return w.spec }

// Name implements workloads.Workload.
func (w *Workload) Name() string { return Name }

// Variants implements workloads.Workload: one, the app.
func (w *Workload) Variants() []string { return []string{Variant} }

// Schema implements workloads.Workload: the app's migrations are its schema,
// applied by the target before the run.
func (w *Workload) Schema([]string) []string { return nil }

// Generator implements workloads.Workload.
func (w *Workload) Generator(cfg workloads.GenConfig) workloads.Generator { return w.newGenerator(cfg) }

// FinalRead implements workloads.Workload. The app has no final-read route
// d1check could rely on, so the invariant checks see only the traffic.
func (w *Workload) FinalRead(workloads.Op) (workloads.Op, bool) { return workloads.Op{}, false }

// Setup sends the scenario's setup requests, in order, to region's
// socket; any answer but a 2xx stops the run before the traffic.
func (w *Workload) Setup(ctx context.Context, region string) error {
	for i, r := range w.spec.Setup {
		res := w.send(ctx, &w.spec.Setup[i], vars{client: -1, n: w.seq.Add(1)}, region, "")
		if res.err != nil {
			return fmt.Errorf("setup[%d] %s %s: %w", i, r.Method, r.Path, res.err)
		}
		if res.status/100 != 2 {
			return fmt.Errorf("setup[%d] %s %s: status %d: %s", i, r.Method, r.Path, res.status, excerpt(res.body))
		}
	}
	return nil
}

// Do implements workloads.Workload: one request, its outcome mapped to
// the model's result.
func (w *Workload) Do(ctx context.Context, env *workloads.Env, _ string, op workloads.Op) (any, error) {
	o := w.byF[op.F]
	if o == nil {
		return nil, workloads.NotApplied(fmt.Errorf("no scenario op does %s", op.F))
	}
	v := varsOf(op, env.Client, w.seq.Add(1))
	res := w.send(ctx, &o.Request, v, env.Region, env.Bookmark)
	out, err := w.outcome(o, op, res)
	env.HTTP = res.record(o) // after outcome, which notes a mismatch
	if res.received != "" {
		env.Respond(res.received)
	}
	return out, err
}

// outcome turns a response into the op's result: 2xx ok; a declared
// refusal ok with a negative result; a 5xx or no answer unknown for a
// write (failed for a read: it changed nothing). A 2xx the mapping cannot
// read is unknown too: the app answered success, so a write most likely
// took effect, and recording it as failed (certainly not applied) would
// make every later read of its effect look like an anomaly. Any other
// status is a failure that says why.
func (w *Workload) outcome(o *Op, op workloads.Op, res *response) (any, error) {
	switch {
	case res.err != nil:
		return nil, unknown(res.err)
	case res.status >= 500:
		return nil, unknown(fmt.Errorf("status %d: %s", res.status, excerpt(res.body)))
	case res.status/100 == 2:
		out, err := extract(o, op, res)
		if err != nil {
			res.mismatch = err.Error()
			return nil, unknown(&MismatchError{Route: o.Name, Err: err})
		}
		return out, nil
	case containsInt(o.Refuse, res.status):
		return refused(o), nil
	}
	err := fmt.Errorf("status %d (not a 2xx, and not among the op's refuse statuses %v): %s", res.status, o.Refuse, excerpt(res.body))
	res.mismatch = err.Error()
	return nil, workloads.NotApplied(&MismatchError{Route: o.Name, Err: err})
}

// MismatchError is a response the scenario's mapping cannot read, with
// the reason in the history: unknown for a write answered 2xx, failed
// otherwise (outcome).
type MismatchError struct {
	Route string
	Err   error
}

func (e *MismatchError) Error() string {
	return "response does not match the scenario: " + e.Err.Error()
}
func (e *MismatchError) Unwrap() error { return e.Err }

// unknownOutcome is a request whose effect is unknown: the runner records
// it as info for a write and fail for a read (workloads.Outcome).
type unknownOutcome struct{ err error }

func (e unknownOutcome) Error() string   { return e.err.Error() }
func (e unknownOutcome) Unwrap() error   { return e.err }
func (e unknownOutcome) Timeout() bool   { return false }
func (e unknownOutcome) Temporary() bool { return false }

// unknown marks err as indeterminate: it satisfies net.Error, which
// d1.Indeterminate treats as a lost answer.
func unknown(err error) error { return unknownOutcome{err} }

// IsMismatch reports whether err is a mapping mismatch.
func IsMismatch(err error) bool {
	var m *MismatchError
	return errors.As(err, &m)
}

func containsInt(xs []int, x int) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
