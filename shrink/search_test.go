package shrink

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/d1check/d1check/checker"
	"github.com/d1check/d1check/scenarios"
)

// big is a scenario with something to shrink in every dimension.
func big() *scenarios.Scenario {
	return &scenarios.Scenario{
		Name: "big", Workload: "users", Variants: []string{"plain", "unconstrained", "first-primary"}, Bookmarks: "none",
		Clients: 24, Ops: 3000, Keys: scenarios.Keys{Count: 40, Hot: 0.3, HotKeys: 2}, Seed: 7,
		Target: scenarios.Target{Kind: "emulator", Time: scenarios.TimeSimulated,
			RoundTrip: scenarios.Lag{Min: time.Millisecond, Max: 4 * time.Millisecond},
			Replication: scenarios.Replication{Lag: scenarios.Lag{P50: 20 * time.Millisecond, P99: 150 * time.Millisecond},
				Regions: map[string]scenarios.Lag{"APAC": {Constant: 800 * time.Millisecond}, "WEUR": {Min: 0, Max: 30 * time.Millisecond}}}},
		Faults: []scenarios.Fault{{At: time.Second, Kind: "pause-replication", Region: "WEUR", For: time.Second},
			{At: 2 * time.Second, Kind: "lag-spike", For: time.Second, Lag: time.Second},
			{At: 3 * time.Second, Kind: "slow-primary", For: time.Second, Delay: time.Millisecond}},
	}
}

// fake is a made-up failure: a run shows duplicate-create when fails says
// so. It records the runs it was asked for.
type fake struct {
	fails func(*scenarios.Scenario) bool
	tried []string
}

func (f *fake) try(_ context.Context, s *scenarios.Scenario) (Outcome, error) {
	f.tried = append(f.tried, cacheKey(s))
	if f.fails(s) {
		return Outcome{Verdict: checker.Invalid, Kinds: []checker.Kind{checker.DuplicateCreate}, Count: 1,
			PerKind: map[checker.Kind]int{checker.DuplicateCreate: 1}}, nil
	}
	return Outcome{Verdict: checker.Valid, PerKind: map[checker.Kind]int{}}, nil
}

// ticker is a clock that advances a millisecond each time it is read, so
// that searches are deterministic and budgets in time can be tested.
func ticker() func() time.Time {
	t := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	return func() time.Time { t = t.Add(time.Millisecond); return t }
}

func TestSearchFindsTheLeastFailingRun(t *testing.T) {
	f := &fake{fails: func(s *scenarios.Scenario) bool {
		return s.Clients >= 3 && s.Ops >= 10 && s.Keys.Count >= 5 && slices.Contains(s.Variants, "first-primary") &&
			slices.ContainsFunc(s.Faults, func(f scenarios.Fault) bool { return f.Kind == "lag-spike" }) &&
			s.Target.Replication.Lag.P99 >= 40*time.Millisecond && s.Target.Replication.Regions["APAC"] != (scenarios.Lag{})
	}}
	res, err := shrink(context.Background(), big(), Options{}, f.try, ticker())
	if err != nil {
		t.Fatal(err)
	}
	got := res.Smallest
	if got.Clients != 3 || got.Ops != 10 || got.Keys.Count != 5 || got.Keys.Hot != 0 || got.Keys.HotKeys != 1 ||
		!slices.Equal(got.Variants, []string{"first-primary"}) || len(got.Faults) != 1 || got.Faults[0].Kind != "lag-spike" ||
		len(got.Target.Replication.Regions) != 1 || got.Target.Replication.Lag.P99 != 40*time.Millisecond ||
		got.Target.RoundTrip.Max != time.Millisecond {
		t.Fatalf("smallest %s\n%s", size(got), scenarios.Format(got))
	}
	// The long tail keeps its shape when it shrinks.
	if l := got.Target.Replication.Lag; (l.P50*150 - l.P99*20).Abs() > 150*time.Microsecond {
		t.Errorf("lag %+v: p50 is not 20/150 of p99 to the microsecond", l)
	}
	if res.Stopped != "" || res.Runs != len(f.tried) || got.Name != "big-min" ||
		got.Expect == nil || got.Expect.Verdict != "invalid" || !slices.Equal(got.Expect.Anomalies, []string{"duplicate-create"}) {
		t.Fatalf("result %+v, %d runs tried", res, len(f.tried))
	}
	triedOnce(t, f.tried)
	if _, err := scenarios.Parse("min.yaml", scenarios.Format(got), nil); err != nil {
		t.Fatalf("the smallest scenario does not parse: %v", err)
	}
}

// On failures that follow no rule, the search still ends on a run that
// fails, stays within its budget, tries the same runs in the same order
// every time, and no single step it knows makes the result smaller.
func TestSearchEndsOnALocalMinimum(t *testing.T) {
	for seed := range uint64(40) {
		fails := func(s *scenarios.Scenario) bool {
			h := fnv.New64a()
			h.Write([]byte(cacheKey(s)))
			return s.Clients >= 2 && rand.New(rand.NewPCG(seed, h.Sum64())).IntN(3) == 0
		}
		start := big()
		f1, f2 := &fake{fails: func(s *scenarios.Scenario) bool { return cacheKey(s) == cacheKey(start) || fails(s) }}, &fake{}
		f2.fails = f1.fails
		r1, err1 := shrink(context.Background(), start, Options{MaxRuns: 1000}, f1.try, ticker())
		_, err2 := shrink(context.Background(), start, Options{MaxRuns: 1000}, f2.try, ticker())
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		triedOnce(t, f1.tried)
		if !slices.Equal(f1.tried, f2.tried) {
			t.Fatalf("seed %d: two searches tried different runs", seed)
		}
		best := r1.Smallest
		if !f1.fails(best) || r1.Stopped != "" {
			t.Fatalf("seed %d: ended on a run that does not fail, or early (%s)", seed, r1.Stopped)
		}
		for _, d := range dimensions(best) {
			sr := &searcher{ctx: context.Background(), try: f1.try, want: r1.Target, maxRuns: 1 << 30, now: ticker(), log: discard{}, cache: map[string]Outcome{}}
			if smaller, _ := d.shrink(sr, best); cacheKey(smaller) != cacheKey(best) {
				t.Fatalf("seed %d: %T found a smaller failing run after the search ended:\n%s", seed, d, scenarios.Format(smaller))
			}
		}
	}
}

// triedOnce fails when a run was made twice: runs replay, so the cache
// must have answered.
func triedOnce(t *testing.T, tried []string) {
	t.Helper()
	seen := map[string]bool{}
	for _, k := range tried {
		if seen[k] {
			t.Fatalf("a run was tried twice: %s", k)
		}
		seen[k] = true
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

func TestSearchBudgets(t *testing.T) {
	always := &fake{fails: func(s *scenarios.Scenario) bool { return s.Clients > 1 }}
	res, err := shrink(context.Background(), big(), Options{MaxRuns: 5}, always.try, ticker())
	if err != nil {
		t.Fatal(err)
	}
	if res.Runs != 5 || !strings.Contains(res.Stopped, "5 runs") || !always.fails(res.Smallest) || res.Smallest.Clients != 2 {
		t.Fatalf("run budget: %d runs, stopped %q, smallest %s", res.Runs, res.Stopped, size(res.Smallest))
	}
	res, err = shrink(context.Background(), big(), Options{MaxTime: 20 * time.Millisecond}, always.try, ticker())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(res.Stopped, "out of time") || res.Runs > 10 {
		t.Fatalf("time budget: %d runs, stopped %q", res.Runs, res.Stopped)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := shrink(ctx, big(), Options{}, always.try, ticker()); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
}

func TestNothingToShrink(t *testing.T) {
	never := &fake{fails: func(*scenarios.Scenario) bool { return false }}
	_, err := shrink(context.Background(), big(), Options{}, never.try, ticker())
	if !errors.Is(err, ErrNothingToShrink) || !strings.Contains(err.Error(), "nothing to shrink: big with seed 7: the run is valid") {
		t.Fatalf("valid run: %v", err)
	}
	always := &fake{fails: func(*scenarios.Scenario) bool { return true }}
	_, err = shrink(context.Background(), big(), Options{Kinds: []checker.Kind{checker.StaleRead}}, always.try, ticker())
	if !errors.Is(err, ErrNothingToShrink) || !strings.Contains(err.Error(), "shows duplicate-create, not stale-read") {
		t.Fatalf("kind not shown: %v", err)
	}
	failing := errors.New("target down")
	_, err = shrink(context.Background(), big(), Options{}, func(context.Context, *scenarios.Scenario) (Outcome, error) { return Outcome{}, failing }, ticker())
	if !errors.Is(err, failing) {
		t.Fatalf("harness error: %v", err)
	}
}

// Only a run that replays can be shrunk; Shrink says so before running.
func TestRefusesRunsThatDoNotReplay(t *testing.T) {
	real := big()
	real.Target.Time = scenarios.TimeReal
	worker := big()
	worker.Target = scenarios.Target{Kind: "worker", URL: "http://127.0.0.1:1", Time: scenarios.TimeReal}
	for _, s := range []*scenarios.Scenario{real, worker} {
		_, err := Shrink(context.Background(), s, Options{Dir: t.TempDir()})
		if !errors.Is(err, ErrNotReplayable) || !strings.Contains(err.Error(), fmt.Sprintf("on a %s target", s.Target.Kind)) {
			t.Fatalf("%s on %s time: %v", s.Target.Kind, s.Target.Time, err)
		}
	}
}
