package sim

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// trace runs actors that interleave sleeps, yields and a shared cond, and
// returns the order in which things happened, with virtual times.
func trace(t *testing.T, seed int64) []string {
	t.Helper()
	s := NewScheduler(seed)
	var mu sync.Mutex
	var out []string
	log := func(format string, args ...any) {
		mu.Lock()
		out = append(out, fmt.Sprintf("%v ", s.Now().Sub(Epoch))+fmt.Sprintf(format, args...))
		mu.Unlock()
	}
	err := s.Run(context.Background(), func() {
		g := NewGroup(s)
		cond := s.NewCond()
		for i := range 6 {
			g.Go(fmt.Sprintf("a%d", i), func() {
				for n := range 5 {
					log("a%d step %d", i, n)
					if n%2 == 0 {
						s.Yield()
					} else {
						s.Sleep(context.Background(), time.Duration(1+(i*n)%3)*time.Millisecond)
					}
				}
				cond.Broadcast()
			})
		}
		s.AfterFunc(2*time.Millisecond, func() { log("callback") })
		g.Wait()
		log("done")
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestSchedulerReplaysFromSeed(t *testing.T) {
	a, b := trace(t, 1), trace(t, 1)
	if !slices.Equal(a, b) {
		t.Fatalf("seed 1 ran two ways:\n%s\n---\n%s", strings.Join(a, "\n"), strings.Join(b, "\n"))
	}
	differs := false
	for seed := int64(2); seed < 10 && !differs; seed++ {
		differs = !slices.Equal(a, trace(t, seed))
	}
	if !differs {
		t.Fatal("seeds 1..9 all gave the same interleaving: the seed chooses nothing")
	}
}

func TestVirtualTimeJumps(t *testing.T) {
	s := NewScheduler(1)
	var woke time.Duration
	err := s.Run(context.Background(), func() {
		s.Sleep(context.Background(), time.Hour)
		woke = s.Now().Sub(Epoch)
	})
	if err != nil {
		t.Fatal(err)
	}
	if woke != time.Hour {
		t.Fatalf("woke at %v of virtual time, want 1h", woke)
	}
}

func TestDeadlockIsAnError(t *testing.T) {
	s := NewScheduler(1)
	err := s.Run(context.Background(), func() {
		c := s.NewCond()
		c.Wait(context.Background(), c.Mark(), 0)
	})
	if err == nil || !strings.Contains(err.Error(), "deadlock") || !strings.Contains(err.Error(), "main") {
		t.Fatalf("err = %v, want a deadlock naming the main actor", err)
	}
}

func TestCondWaitTimeoutAndSignal(t *testing.T) {
	for _, c := range []Clock{NewScheduler(3), Real{}} {
		var timeout, signalled, cancelled error
		err := c.Run(context.Background(), func() {
			cond := c.NewCond()
			timeout = cond.Wait(context.Background(), cond.Mark(), time.Millisecond)
			mark := cond.Mark()
			g := NewGroup(c)
			g.Go("signaller", func() {
				c.Sleep(context.Background(), time.Millisecond)
				cond.Broadcast()
			})
			signalled = cond.Wait(context.Background(), mark, time.Hour)
			g.Wait()
			ctx, cancel := c.WithTimeout(context.Background(), 2*time.Millisecond)
			defer cancel()
			cancelled = cond.Wait(ctx, cond.Mark(), 0)
		})
		if err != nil {
			t.Fatal(err)
		}
		if !errors.Is(timeout, ErrTimeout) || signalled != nil || !errors.Is(cancelled, context.DeadlineExceeded) {
			t.Fatalf("simulated=%v: timeout %v, signalled %v, cancelled %v", c.Simulated(), timeout, signalled, cancelled)
		}
	}
}

func TestSleepEndsWithContext(t *testing.T) {
	s := NewScheduler(1)
	var err error
	var at time.Duration
	runErr := s.Run(context.Background(), func() {
		ctx, cancel := s.WithTimeout(context.Background(), time.Second)
		defer cancel()
		err = s.Sleep(ctx, time.Hour)
		at = s.Now().Sub(Epoch)
	})
	if runErr != nil {
		t.Fatal(runErr)
	}
	if !errors.Is(err, context.DeadlineExceeded) || at != time.Second {
		t.Fatalf("Sleep returned %v at %v, want a deadline at 1s", err, at)
	}
}

func TestTimerStop(t *testing.T) {
	s := NewScheduler(1)
	fired := false
	err := s.Run(context.Background(), func() {
		tm := s.AfterFunc(time.Second, func() { fired = true })
		if !tm.Stop() || tm.Stop() {
			t.Error("Stop: want true, then false")
		}
		s.Sleep(context.Background(), 2*time.Second)
	})
	if err != nil || fired {
		t.Fatalf("err %v, fired %v: a stopped timer ran", err, fired)
	}
}

func TestBlockingOutsideAnActorPanics(t *testing.T) {
	s := NewScheduler(1)
	defer func() {
		if recover() == nil {
			t.Fatal("Sleep outside Run did not panic")
		}
	}()
	s.Sleep(context.Background(), time.Second)
}

// A scheduler runs again after Run returns, on the same virtual clock:
// timers left pending by one Run fire in the next (a soak's windows, and
// the database resets between them, are separate Runs).
func TestRunAgainKeepsTheClock(t *testing.T) {
	s := NewScheduler(1)
	fired := time.Duration(-1)
	if err := s.Run(context.Background(), func() {
		s.AfterFunc(time.Second, func() { fired = s.Now().Sub(Epoch) })
	}); err != nil {
		t.Fatal(err)
	}
	if fired != -1 {
		t.Fatalf("the timer fired at %v though no actor waited for it", fired)
	}
	if err := s.Run(context.Background(), func() { s.Sleep(context.Background(), 2*time.Second) }); err != nil {
		t.Fatal(err)
	}
	if fired != time.Second || s.Now().Sub(Epoch) != 2*time.Second {
		t.Fatalf("timer fired at %v, clock at %v; want 1s and 2s", fired, s.Now().Sub(Epoch))
	}
}
