// Package sim is d1check's clock: the one source of time, sleeping and
// concurrency for the emulator, the runner and the nemesis, in two
// implementations.
//
// Real is the machine's clock: goroutines, timers and wall time. It is what
// the HTTP emulator, the worker, workerd, app and rest targets and soak use.
//
// A Scheduler is simulated time with a seeded scheduler, after
// FoundationDB's simulation and TigerBeetle's VOPR: exactly one actor (a
// client, the nemesis, the runner itself) runs at a time; each runs until
// it blocks in one of the Clock's primitives (Sleep, Cond.Wait, Yield,
// exit); when every actor is blocked, virtual time jumps to the next due
// timer. Among the actors and timer callbacks due at the same instant the
// next one is picked by a generator seeded from the run's seed. Nothing
// else decides the order, so a run is a pure function of its inputs: the
// same scenario, seed and d1check version replay the same history, byte
// for byte, however loaded the machine is; and a run that spends its
// virtual time waiting on lag and round trips costs only the CPU of its
// queries.
//
// The rules that make that true, for code that runs under a Scheduler:
//   - block only through the Clock (Sleep, Cond.Wait, Group.Wait, Yield),
//     never on a real channel, a sync.Cond or a mutex another actor may
//     hold across a blocking call;
//   - start concurrent work with Go (actors) or AfterFunc (callbacks,
//     which run between actors and must not block);
//   - read time from Now, derive deadlines with WithTimeout;
//   - never let map iteration order or goroutine completion order choose
//     what happens next.
//
// An actor that blocks with nothing left to wake it, while no timer is
// due, is a deadlock: Run returns an error naming the blocked actors
// instead of hanging.
package sim

import (
	"context"
	"errors"
	"time"
)

// Clock is time and concurrency for one run.
type Clock interface {
	// Now is the current time: the machine's, or the virtual instant.
	Now() time.Time
	// Sleep waits d, or until ctx ends (then it returns ctx's error).
	// d <= 0 returns ctx.Err() at once.
	Sleep(ctx context.Context, d time.Duration) error
	// Yield lets every other actor due now run before the caller goes
	// on: a scheduling point without a delay, where a real system could
	// be preempted. A no-op on the real clock.
	Yield()
	// Go starts f concurrently: a goroutine, or an actor of the
	// scheduler. name is for deadlock reports.
	Go(name string, f func())
	// AfterFunc runs f once d has passed: on its own goroutine on the
	// real clock; between actors, never concurrently with one, on a
	// Scheduler. f must not block.
	AfterFunc(d time.Duration, f func()) Timer
	// NewCond returns a broadcast condition on this clock.
	NewCond() Cond
	// WithTimeout is context.WithTimeout on this clock: on a Scheduler
	// the deadline passes in virtual time, and the context's Err is then
	// context.DeadlineExceeded.
	WithTimeout(parent context.Context, d time.Duration) (context.Context, context.CancelFunc)
	// Run runs f to completion with every actor it starts: on the real
	// clock it just calls f; a Scheduler runs f as its first actor and
	// returns once every actor has exited, or an error on a deadlock.
	Run(ctx context.Context, f func()) error
	// Simulated reports whether time is virtual.
	Simulated() bool
}

// Timer is a pending AfterFunc.
type Timer interface {
	// Stop cancels the call; it reports whether it did (false: it has
	// run, is running or was stopped).
	Stop() bool
}

// Cond is a broadcast condition without lost wake-ups: a waiter takes a
// Mark while it holds the lock guarding the state it tests, releases the
// lock and waits on that mark; a Broadcast made in between still wakes it.
type Cond interface {
	// Broadcast wakes every waiter.
	Broadcast()
	// Mark is the condition's current generation.
	Mark() uint64
	// Wait returns nil once a Broadcast has happened after mark,
	// ErrTimeout when timeout (> 0) passes first, or ctx's error when ctx
	// ends first. timeout <= 0 waits without a bound.
	Wait(ctx context.Context, mark uint64, timeout time.Duration) error
}

// ErrTimeout is Cond.Wait's error when its timeout passes first.
var ErrTimeout = errors.New("sim: wait timed out")

// Or returns c, or the real clock when c is nil: every package's
// zero-value configuration runs on real time.
func Or(c Clock) Clock {
	if c == nil {
		return Real{}
	}
	return c
}

// WaitDone blocks until ctx ends, through c, and returns ctx's error.
func WaitDone(c Clock, ctx context.Context) error {
	cond := c.NewCond()
	return cond.Wait(ctx, cond.Mark(), 0)
}
