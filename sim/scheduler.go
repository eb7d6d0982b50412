package sim

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"sync"
	"time"
)

// Epoch is where a Scheduler's virtual time starts: a fixed instant, so
// that a history's times replay too.
var Epoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// Scheduler is simulated time: see the package comment. Build one per run
// with NewScheduler; it is safe to call from the actors it runs and from
// the callbacks it fires, and (for Now, AfterFunc, Broadcast) from outside
// while it is not running.
//
// How it hands over: every actor is a goroutine parked on its own resume
// channel. Run's loop picks one ready task, resumes the actor (or calls
// the callback) and waits on yield until that actor blocks or exits, so
// at most one of them ever runs; the scheduler's own state is behind mu.
type Scheduler struct {
	mu      sync.Mutex
	now     time.Time
	rng     *rand.Rand
	seq     uint64
	timers  timerHeap
	ready   []task
	actors  []*actor // live actors, in start order
	nextID  int
	running *actor
	yield   chan struct{}
	inRun   bool
	steps   uint64
}

// task is one ready piece of work: an actor to resume, or a callback.
type task struct {
	a  *actor
	fn func()
}

type wakeReason int

const (
	wakeSignal wakeReason = iota
	wakeTimeout
	wakeCtx
)

type actor struct {
	id     int
	name   string
	resume chan struct{}

	// While blocked (guarded by Scheduler.mu):
	blocked bool
	ctx     context.Context // ends the wait when done; nil: none
	cond    *simCond        // waited on; nil: a sleep
	timer   *simTimer       // the sleep or the wait's timeout; nil: none
	reason  wakeReason
}

// NewScheduler returns a scheduler whose choices among simultaneous work
// come from seed.
func NewScheduler(seed int64) *Scheduler {
	return &Scheduler{now: Epoch, rng: rand.New(rand.NewPCG(uint64(seed), 0x53494d /* "SIM" */)), yield: make(chan struct{})}
}

// Simulated implements Clock.
func (s *Scheduler) Simulated() bool { return true }

// Now implements Clock.
func (s *Scheduler) Now() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.now
}

// Steps is how many tasks (actor turns and callbacks) have run: the
// unit of the simulation's speed.
func (s *Scheduler) Steps() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.steps
}

// current is the actor making a blocking call. Blocking from anything
// else — a callback, a goroutine the scheduler did not start — would
// break the one-at-a-time rule, so it is a programming error.
func (s *Scheduler) current() *actor {
	if s.running == nil {
		panic("sim: blocking call outside an actor (from a callback, or from a goroutine the scheduler did not start)")
	}
	return s.running
}

// park hands the run token back and waits to be resumed. The caller holds
// s.mu; it holds it again on return.
func (s *Scheduler) park(a *actor) {
	s.running = nil
	s.mu.Unlock()
	s.yield <- struct{}{}
	<-a.resume
	s.mu.Lock()
}

// Sleep implements Clock.
func (s *Scheduler) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return err
	}
	a := s.current()
	a.blocked, a.ctx, a.cond = true, ctx, nil
	a.timer = s.addTimer(d, nil, a)
	s.park(a)
	if a.reason == wakeCtx {
		return ctx.Err()
	}
	return nil
}

// Yield implements Clock.
func (s *Scheduler) Yield() {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.current()
	s.ready = append(s.ready, task{a: a})
	s.park(a)
}

// Go implements Clock.
func (s *Scheduler) Go(name string, f func()) {
	s.mu.Lock()
	a := &actor{id: s.nextID, name: name, resume: make(chan struct{})}
	s.nextID++
	s.actors = append(s.actors, a)
	s.ready = append(s.ready, task{a: a})
	s.mu.Unlock()
	go func() {
		<-a.resume
		defer s.exit(a)
		f()
	}()
}

// exit removes a finished actor and hands the token back.
func (s *Scheduler) exit(a *actor) {
	s.mu.Lock()
	for i, b := range s.actors {
		if b == a {
			s.actors = append(s.actors[:i], s.actors[i+1:]...)
			break
		}
	}
	s.running = nil
	s.mu.Unlock()
	s.yield <- struct{}{}
}

// AfterFunc implements Clock.
func (s *Scheduler) AfterFunc(d time.Duration, f func()) Timer {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addTimer(d, f, nil)
}

// WithTimeout implements Clock.
func (s *Scheduler) WithTimeout(parent context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancelCause(parent)
	t := s.AfterFunc(d, func() { cancel(context.DeadlineExceeded) })
	return deadlineCtx{ctx}, func() {
		t.Stop()
		cancel(context.Canceled)
	}
}

// deadlineCtx reports a virtual deadline as context.DeadlineExceeded,
// as a real one would be.
type deadlineCtx struct{ context.Context }

func (c deadlineCtx) Err() error {
	err := c.Context.Err()
	if err != nil && errors.Is(context.Cause(c.Context), context.DeadlineExceeded) {
		return context.DeadlineExceeded
	}
	return err
}

// NewCond implements Clock.
func (s *Scheduler) NewCond() Cond { return &simCond{s: s} }

// Run implements Clock. It returns once every actor has exited; timers
// still pending then (replication catching up, say) stay pending, in
// virtual time, for the next Run. A deadlock — actors blocked, nothing
// ready, no timer — is an error naming them; their goroutines stay parked.
func (s *Scheduler) Run(ctx context.Context, f func()) error {
	s.mu.Lock()
	if s.inRun {
		s.mu.Unlock()
		return errors.New("sim: Run called while the scheduler is running")
	}
	s.inRun = true
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.inRun = false
		s.mu.Unlock()
	}()
	s.Go("main", f)
	for {
		s.mu.Lock()
		if len(s.ready) == 0 {
			s.wakeCancelled()
		}
		if len(s.ready) == 0 {
			if len(s.actors) == 0 {
				s.mu.Unlock()
				return nil
			}
			if !s.advance() {
				err := s.deadlock()
				s.mu.Unlock()
				return err
			}
			s.mu.Unlock()
			continue
		}
		i := s.rng.IntN(len(s.ready))
		t := s.ready[i]
		last := len(s.ready) - 1
		s.ready[i] = s.ready[last]
		s.ready[last] = task{}
		s.ready = s.ready[:last]
		s.steps++
		if t.fn != nil {
			s.mu.Unlock()
			t.fn()
			continue
		}
		s.running = t.a
		s.mu.Unlock()
		t.a.resume <- struct{}{}
		<-s.yield
	}
}

// wakeCancelled readies every actor whose wait's context has ended, in
// start order. The caller holds s.mu.
func (s *Scheduler) wakeCancelled() {
	for _, a := range s.actors {
		if a.blocked && a.ctx != nil && a.ctx.Err() != nil {
			s.wake(a, wakeCtx)
		}
	}
}

// advance moves virtual time to the next live timer and fires every timer
// due at that instant; false when there is none. The caller holds s.mu.
func (s *Scheduler) advance() bool {
	fired := false
	for s.timers.Len() > 0 {
		t := s.timers[0]
		if fired && t.at.After(s.now) {
			break
		}
		heap.Pop(&s.timers)
		if t.dead {
			continue
		}
		t.dead = true
		s.now, fired = t.at, true
		if t.a != nil {
			s.wake(t.a, wakeTimeout)
		} else {
			s.ready = append(s.ready, task{fn: t.fn})
		}
	}
	return fired
}

func (s *Scheduler) deadlock() error {
	var names []string
	for _, a := range s.actors {
		names = append(names, a.name)
	}
	sort.Strings(names)
	return fmt.Errorf("sim: deadlock at %v of virtual time: %d actors blocked with nothing left to wake them (%s)",
		s.now.Sub(Epoch), len(names), strings.Join(names, ", "))
}

// wake readies a blocked actor, undoing its wait. The caller holds s.mu.
func (s *Scheduler) wake(a *actor, why wakeReason) {
	if !a.blocked {
		return
	}
	a.blocked, a.reason = false, why
	if c := a.cond; c != nil {
		for i, w := range c.waiters {
			if w == a {
				c.waiters = append(c.waiters[:i], c.waiters[i+1:]...)
				break
			}
		}
	}
	if a.timer != nil && !a.timer.dead {
		a.timer.dead = true
		heap.Remove(&s.timers, a.timer.idx)
	}
	a.cond, a.ctx, a.timer = nil, nil, nil
	s.ready = append(s.ready, task{a: a})
}

// addTimer schedules fn (or waking a) d from now. The caller holds s.mu.
func (s *Scheduler) addTimer(d time.Duration, fn func(), a *actor) *simTimer {
	s.seq++
	t := &simTimer{s: s, at: s.now.Add(max(d, 0)), seq: s.seq, fn: fn, a: a}
	heap.Push(&s.timers, t)
	return t
}

// simTimer is a pending callback or an actor's wake-up.
type simTimer struct {
	s    *Scheduler
	at   time.Time
	seq  uint64 // ties at one instant pop in creation order, then the rng picks
	fn   func()
	a    *actor
	idx  int
	dead bool // fired or stopped
}

func (t *simTimer) Stop() bool {
	t.s.mu.Lock()
	defer t.s.mu.Unlock()
	if t.dead {
		return false
	}
	t.dead = true
	heap.Remove(&t.s.timers, t.idx)
	return true
}

type timerHeap []*simTimer

func (h timerHeap) Len() int { return len(h) }
func (h timerHeap) Less(i, j int) bool {
	if !h[i].at.Equal(h[j].at) {
		return h[i].at.Before(h[j].at)
	}
	return h[i].seq < h[j].seq
}
func (h timerHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].idx, h[j].idx = i, j
}
func (h *timerHeap) Push(x any) {
	t := x.(*simTimer)
	t.idx = len(*h)
	*h = append(*h, t)
}
func (h *timerHeap) Pop() any {
	old := *h
	t := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return t
}

// simCond is a Cond on a Scheduler.
type simCond struct {
	s       *Scheduler
	gen     uint64
	waiters []*actor
}

func (c *simCond) Broadcast() {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	c.gen++
	for len(c.waiters) > 0 {
		c.s.wake(c.waiters[0], wakeSignal)
	}
}

func (c *simCond) Mark() uint64 {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	return c.gen
}

func (c *simCond) Wait(ctx context.Context, mark uint64, timeout time.Duration) error {
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.gen != mark {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	a := s.current()
	a.blocked, a.ctx, a.cond = true, ctx, c
	if ctx.Done() == nil {
		a.ctx = nil // never ends: no need to poll it
	}
	c.waiters = append(c.waiters, a)
	if timeout > 0 {
		a.timer = s.addTimer(timeout, nil, a)
	}
	s.park(a)
	switch a.reason {
	case wakeTimeout:
		return ErrTimeout
	case wakeCtx:
		return ctx.Err()
	}
	return nil
}
