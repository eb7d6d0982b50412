package runner

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/d1check/d1check/d1"
	"github.com/d1check/d1check/history"
	"github.com/d1check/d1check/sim"
	"github.com/d1check/d1check/workloads"
)

// client is one single-threaded user of the application: it runs its
// generator's ops one after another against its region's database.
type client struct {
	id       int
	variant  string
	db       *d1.Database
	gen      workloads.Generator
	w        workloads.Workload
	limit    int       // ops to run; -1: until the deadline or cancellation
	deadline time.Time // zero: none
	carry    bool
	rec      *recorder
	pace     *pacer
	clock    sim.Clock
	procs    *atomic.Int64 // the next unused process id
	stats    *counters

	region string
	faults ClientFaults // nil: none

	proc     int    // current process id; changes after an info
	bookmark string // carried bookmark (policy carry)
	epoch    int    // sessions started over after a dropped bookmark
	seen     keySet // keys invoked, for the final reads
}

// run drives the client until its ops are done, the deadline passes or
// ctx is done. Only a recording failure is an error: a failed op is data.
func (c *client) run(ctx context.Context) error {
	defer c.pace.finish(c.id)
	for n := 0; c.limit < 0 || n < c.limit; n++ {
		if ctx.Err() != nil || !c.deadline.IsZero() && !c.clock.Now().Before(c.deadline) {
			return nil
		}
		if c.pace.wait(ctx, n) != nil {
			return nil
		}
		if err := c.do(ctx, n, c.gen.Next()); err != nil {
			return err
		}
		c.pace.advance(c.id, n+1)
	}
	return nil
}

// session is op n's session id. A carrying client is one session until it
// drops its bookmark; each drop starts a new one (c3, then c3-e1, …).
func (c *client) session(n int) string {
	switch {
	case !c.carry:
		return fmt.Sprintf("%sc%d-r%d", c.rec.ns, c.id, n)
	case c.epoch > 0:
		return fmt.Sprintf("%sc%d-e%d", c.rec.ns, c.id, c.epoch)
	}
	return fmt.Sprintf("%sc%d", c.rec.ns, c.id)
}

// applyFaults applies the client-side faults active now to the next op:
// a dropped bookmark starts a new session, a request deadline bounds the
// op's context. cancel must be called when the op is done.
func (c *client) applyFaults(ctx context.Context) (_ context.Context, cancel context.CancelFunc) {
	if c.faults == nil {
		return ctx, func() {}
	}
	if c.carry && c.faults.DropBookmark(c.region) {
		c.bookmark = ""
		c.epoch++
	}
	if d, ok := c.faults.RequestDeadline(c.region); ok {
		return c.clock.WithTimeout(ctx, d)
	}
	return ctx, func() {}
}

// do records op's invoke, runs it and records its completion. After an
// info the client continues as a new process: the old one may still have
// an effect in flight, and a process has at most one outstanding op.
func (c *client) do(ctx context.Context, n int, op workloads.Op) error {
	c.seen.add(c.variant, op)
	val, err := workloads.Marshal(op.Value)
	if err != nil {
		return fmt.Errorf("runner: client %d op %s: encoding the invoke value: %w", c.id, op.F, err)
	}
	ctx, cancel := c.applyFaults(ctx)
	defer cancel()
	ev := history.Event{Type: history.Invoke, Process: c.proc, Session: c.session(n), Variant: c.variant, F: op.F, Key: c.rec.ns + op.Key, Value: val}
	if err := c.rec.append(ev); err != nil {
		return err
	}
	env := &workloads.Env{DB: c.db, Bookmark: c.bookmark}
	done, err := execute(ctx, c.w, c.rec, env, c.variant, op, ev)
	if err != nil {
		return err
	}
	c.stats.count(done.Type)
	if c.carry {
		c.bookmark = env.ResponseBookmark()
	}
	if done.Type == history.Info {
		c.proc = int(c.procs.Add(1) - 1)
	}
	return nil
}

// execute runs op and records its completion, built from the invoke event
// inv; it returns the completion. Its error is a recording failure only.
func execute(ctx context.Context, w workloads.Workload, rec *recorder, env *workloads.Env, variant string, op workloads.Op, inv history.Event) (history.Event, error) {
	tr := d1.Trace{Now: rec.clock.Now}
	out, opErr := w.Do(d1.WithTrace(ctx, &tr), env, variant, op)
	done := inv
	done.Value = nil
	done.Type = completion(workloads.OutcomeOf(op, opErr))
	if rec.w != nil {
		done.Trace = rec.statements(tr.Entries())
	}
	if opErr != nil {
		done.Error = opErr.Error()
	} else {
		v, err := workloads.Marshal(out)
		if err != nil {
			// The op took effect but its value cannot be recorded: say so,
			// as an unknown outcome, and stop the run.
			done.Type, done.Error = history.Info, "recording the value: "+err.Error()
			_ = rec.append(done)
			return done, fmt.Errorf("runner: %s %s: encoding the ok value: %w", op.F, op.Key, err)
		}
		done.Value = v
	}
	return done, rec.append(done)
}

// keySet remembers the final read each distinct key needs, in first-seen
// order, so final reads are deterministic. It grows with the number of
// keys, not ops.
type keySet struct {
	w     workloads.Workload
	index map[string]struct{}
	list  []finalRead
}

type finalRead struct {
	variant string
	op      workloads.Op
}

func (s *keySet) add(variant string, op workloads.Op) {
	f, ok := s.w.FinalRead(op)
	if !ok {
		return
	}
	k := variant + "\x00" + f.F + "\x00" + f.Key
	if _, dup := s.index[k]; dup {
		return
	}
	if s.index == nil {
		s.index = map[string]struct{}{}
	}
	s.index[k] = struct{}{}
	s.list = append(s.list, finalRead{variant, f})
}

// counters are a run's outcome tallies, updated by every client.
type counters struct{ ok, fail, info atomic.Int64 }

func (c *counters) count(t history.Type) {
	switch t {
	case history.OK:
		c.ok.Add(1)
	case history.Fail:
		c.fail.Add(1)
	case history.Info:
		c.info.Add(1)
	}
}
