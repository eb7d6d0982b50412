package emulator

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/d1check/d1check/d1"
	"github.com/d1check/d1check/sim"
)

// simulated runs f as the first actor of a scheduler driving an emulator
// built from cfg, and fails the test on a deadlock.
func simulated(t *testing.T, cfg Config, f func(s *sim.Scheduler, e *Emulator)) {
	t.Helper()
	s := sim.NewScheduler(cfg.Seed)
	cfg.Clock = s
	e := newEmu(t, cfg)
	if err := s.Run(context.Background(), func() { f(s, e) }); err != nil {
		t.Fatal(err)
	}
}

// On simulated time a bookmarked read waits exactly as long as the lag
// says, in virtual time — and times out only when the lag really exceeds
// BookmarkWait, however slow the machine is.
func TestSimulatedBookmarkWait(t *testing.T) {
	for _, c := range []struct {
		lag      time.Duration
		wait     time.Duration // virtual time the read takes
		timesOut bool
	}{
		{lag: 3 * time.Second, wait: 3 * time.Second},
		{lag: 10 * time.Second, wait: DefaultBookmarkWait, timesOut: true},
	} {
		t.Run(c.lag.String(), func(t *testing.T) {
			simulated(t, Config{Seed: 1}, func(s *sim.Scheduler, e *Emulator) {
				schema(t, e)
				setLag(t, e, Constant(c.lag))
				w := db(t, e, "").WithSession(d1.FirstPrimary)
				run(t, w, "INSERT INTO users (email) VALUES ('a@x.test')")
				start := s.Now()
				r, err := db(t, e, "WEUR").WithSession(bookmarkOf(t, w)).Prepare("SELECT COUNT(*) AS n FROM users").First(context.Background())
				took := s.Now().Sub(start)
				// Plus the request's own time (no round trip is set).
				if took < c.wait || took > c.wait+SimulatedRequestTime {
					t.Errorf("the read took %v of virtual time, want %v (+ up to %v)", took, c.wait, SimulatedRequestTime)
				}
				switch {
				case c.timesOut && (err == nil || !strings.HasPrefix(err.Error(), BookmarkTimeoutMessage)):
					t.Errorf("err = %v, want the bookmark timeout", err)
				case !c.timesOut && (err != nil || r["n"] != int64(1)):
					t.Errorf("read %v, %v: want the row", r, err)
				}
			})
		})
	}
}

// A replica applies on a timer of the clock, at the commit's time plus its
// lag: after a commit, reads without a bookmark see it exactly then.
func TestSimulatedReplicaAppliesAtItsDueTime(t *testing.T) {
	simulated(t, Config{Seed: 1, ApplyEvery: -1}, func(s *sim.Scheduler, e *Emulator) {
		schema(t, e)
		setLag(t, e, Constant(100*time.Millisecond))
		run(t, db(t, e, ""), "INSERT INTO users (email) VALUES ('a@x.test')")
		// The answer took half of SimulatedRequestTime to come back.
		committed := s.Now().Add(-SimulatedRequestTime / 2)
		applied := func() uint64 {
			for _, r := range e.Status().Replicas {
				if r.Region == "OC" {
					return r.Position
				}
			}
			t.Fatal("no OC replica")
			return 0
		}
		before := applied()
		s.Sleep(context.Background(), committed.Add(100*time.Millisecond-time.Microsecond).Sub(s.Now()))
		if got := applied(); got != before {
			t.Errorf("1µs before its lag the replica is at %d, want %d", got, before)
		}
		s.Sleep(context.Background(), time.Microsecond)
		if got := applied(); got != before+1 {
			t.Errorf("at %v after the commit the replica is at %d, want %d", s.Now().Sub(committed), got, before+1)
		}
	})
}

// Concurrent clients on simulated time interleave the same way on every
// run with the same seed: the positions their reads see replay.
func TestSimulatedEmulatorReplays(t *testing.T) {
	observe := func(seed int64) string {
		var out []string
		simulated(t, Config{Seed: seed, DefaultLag: Uniform(0, 20*time.Millisecond), RoundTrip: Uniform(time.Millisecond, 4*time.Millisecond)}, func(s *sim.Scheduler, e *Emulator) {
			schema(t, e)
			g := sim.NewGroup(s)
			for c := range 6 {
				g.Go(fmt.Sprint("client ", c), func() {
					d := db(t, e, d1.Regions[c])
					for i := range 10 {
						if c%2 == 0 {
							run(t, d, "INSERT INTO users (email) VALUES (?)", fmt.Sprint(c, "-", i))
							continue
						}
						r, err := d.WithSession("").Prepare("SELECT COUNT(*) AS n FROM users").First(context.Background())
						if err != nil {
							t.Error(err)
							return
						}
						out = append(out, fmt.Sprint(c, ":", r["n"], "@", s.Now().Sub(sim.Epoch)))
					}
				})
			}
			g.Wait()
		})
		return strings.Join(out, " ")
	}
	a, b := observe(5), observe(5)
	if a != b {
		t.Fatalf("seed 5 ran two ways:\n%s\n%s", a, b)
	}
	if a == observe(6) {
		t.Fatal("seeds 5 and 6 ran the same way")
	}
}

// A request from outside the scheduler's actors is a programming error,
// reported as such rather than racing the schedule.
func TestSimulatedRequestOutsideAnActorPanics(t *testing.T) {
	cfg := Config{Clock: sim.NewScheduler(1), RoundTrip: Constant(time.Millisecond)}
	e := newEmu(t, cfg)
	defer func() {
		if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "outside an actor") {
			t.Fatalf("recovered %v, want the outside-an-actor panic", r)
		}
	}()
	_, err := db(t, e, "").Prepare("SELECT 1").Run(context.Background())
	t.Fatal(errors.Join(errors.New("the request ran"), err))
}
