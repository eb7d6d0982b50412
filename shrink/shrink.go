package shrink

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/d1check/d1check/checker"
	"github.com/d1check/d1check/harness"
	"github.com/d1check/d1check/scenarios"
)

// Defaults of Options.
const (
	DefaultMaxRuns = 200
	DefaultMaxTime = 5 * time.Minute
)

var (
	// ErrNotReplayable: the scenario runs on real time (or not on the
	// embedded emulator), so a smaller run cannot be told apart from a
	// luckier one. Shrinking it would pin a flaky regression.
	ErrNotReplayable = errors.New("shrink needs a run that replays from its seed")
	// ErrNothingToShrink: the scenario's run does not show the anomalies
	// asked for — most often, it is valid.
	ErrNothingToShrink = errors.New("nothing to shrink")
)

// Options are the search's target and bounds.
type Options struct {
	// Kinds are the anomaly kinds every smaller run must still show; nil
	// means every kind the scenario's own run shows. A smaller run may
	// show other kinds too: it still fails for the reason asked about.
	Kinds []checker.Kind
	// MaxRuns and MaxTime bound the search (0: the defaults). The run
	// budget keeps a search deterministic; the time budget is a safety
	// net, and a search it stops says so.
	MaxRuns int
	MaxTime time.Duration
	// Dir receives the runs' histories: Dir/try/ is overwritten by each
	// run and removed at the end, Dir/smallest/ keeps the smallest one's.
	Dir string
	// Check bounds each run's checker; a run whose verdict is unknown
	// does not count as showing the target.
	Check checker.Options
	// Progress receives a line per run (nil: none).
	Progress io.Writer
	// RunProgress, when set, gives run n's harness.Options.Progress (n
	// counts from 1, the final replay included): a long run shows how far
	// it got before its line.
	RunProgress func(n int) func(done, planned int)
}

// Result is a finished search.
type Result struct {
	// Original is the scenario as given; Smallest the smallest found,
	// named Original.Name+"-min", with expect stating exactly what it
	// shows.
	Original, Smallest *scenarios.Scenario
	// Target are the kinds the search kept; First is what the original
	// run showed, Last what the smallest shows.
	Target      []checker.Kind
	First, Last Outcome
	// Run is the smallest run, replayed into Dir/smallest/ and checked.
	Run harness.Run
	// Runs counts the runs made, the first and the replay included.
	Runs    int
	Elapsed time.Duration
	// Stopped says why the search ended before a fixpoint ("" when no
	// single step it knows makes the run smaller).
	Stopped string
	// Changes are the steps taken, in order.
	Changes []Change
}

// Shrink searches for the smallest run of s that still shows the target
// anomaly kinds, using the harness to run each candidate.
func Shrink(ctx context.Context, s *scenarios.Scenario, opts Options) (*Result, error) {
	if !s.Simulated() {
		return nil, fmt.Errorf("%w, and %s runs on real time on a %s target: only the embedded emulator on simulated time (target.time: simulated) replays", ErrNotReplayable, s.Name, s.Target.Kind)
	}
	runs := 0
	progress := func() func(int, int) {
		if runs++; opts.RunProgress == nil {
			return nil
		}
		return opts.RunProgress(runs)
	}
	try := func(ctx context.Context, s *scenarios.Scenario) (Outcome, error) {
		run, err := harness.Execute(ctx, s, filepath.Join(opts.Dir, "try"), harness.Options{Check: opts.Check, Progress: progress()})
		if err != nil {
			return Outcome{}, err
		}
		return outcomeOf(run.Result), nil
	}
	res, err := shrink(ctx, s, opts, try, time.Now)
	if err != nil {
		return nil, err
	}
	if err := os.RemoveAll(filepath.Join(opts.Dir, "try")); err != nil {
		return nil, err
	}
	// Replay the smallest run where it stays, and make sure it replays:
	// the regression test will rely on exactly this.
	run, err := harness.Execute(ctx, res.Smallest, filepath.Join(opts.Dir, "smallest"), harness.Options{Check: opts.Check, Progress: progress()})
	res.Runs++
	if err != nil {
		return nil, fmt.Errorf("replaying the smallest run: %w", err)
	}
	if got := outcomeOf(run.Result); got.String() != res.Last.String() || got.Count != res.Last.Count {
		return nil, fmt.Errorf("the smallest run did not replay: it showed %s (%d anomalies), then %s (%d); runs on simulated time must be deterministic, please report this with the scenario", res.Last, res.Last.Count, got, got.Count)
	}
	res.Run = run
	return res, nil
}

// shrink is Shrink with the runs and the clock given, so that the search
// can be tested on made-up failures.
func shrink(ctx context.Context, s *scenarios.Scenario, opts Options, try tryFunc, now func() time.Time) (*Result, error) {
	start := now()
	if opts.MaxRuns <= 0 {
		opts.MaxRuns = DefaultMaxRuns
	}
	if opts.MaxTime <= 0 {
		opts.MaxTime = DefaultMaxTime
	}
	log := opts.Progress
	if log == nil {
		log = io.Discard
	}
	sr := &searcher{ctx: ctx, try: try, maxRuns: opts.MaxRuns, deadline: start.Add(opts.MaxTime), now: now, log: log, cache: map[string]Outcome{}}
	first, err := sr.run(s, "the scenario as given")
	if err != nil {
		return nil, err
	}
	want, err := target(s, first, opts.Kinds)
	if err != nil {
		return nil, err
	}
	sr.want = want
	fmt.Fprintf(log, "shrink: keeping %s; budget %d runs, %s\n", joinKinds(want), opts.MaxRuns, opts.MaxTime)
	best, err := sr.search(s, dimensions(s))
	res := &Result{Original: s, Target: want, First: first, Changes: sr.changes}
	switch {
	case errors.Is(err, errBudget):
		res.Stopped = err.Error()
	case err != nil:
		return nil, err
	}
	res.Last = sr.cache[cacheKey(best)]
	res.Smallest = clone(best)
	res.Smallest.Name = strings.TrimSuffix(s.Name, "-min") + "-min"
	res.Smallest.Expect = &scenarios.Expect{Verdict: string(res.Last.Verdict)}
	for _, k := range res.Last.Kinds {
		res.Smallest.Expect.Anomalies = append(res.Smallest.Expect.Anomalies, string(k))
	}
	res.Runs, res.Elapsed = sr.runs, now().Sub(start)
	return res, nil
}

// target is the kinds to keep: asked, or all the first run showed.
func target(s *scenarios.Scenario, first Outcome, asked []checker.Kind) ([]checker.Kind, error) {
	if first.Verdict != checker.Invalid || len(first.Kinds) == 0 {
		why := "the run is valid"
		if first.Verdict == checker.Unknown {
			why = "the run's verdict is unknown (the checker ran out of time; raise --check-timeout)"
		}
		return nil, fmt.Errorf("%w: %s with seed %d: %s", ErrNothingToShrink, s.Name, s.Seed, why)
	}
	if len(asked) == 0 {
		return first.Kinds, nil
	}
	for _, k := range asked {
		if !slices.Contains(first.Kinds, k) {
			return nil, fmt.Errorf("%w: %s with seed %d shows %s, not %s", ErrNothingToShrink, s.Name, s.Seed, joinKinds(first.Kinds), k)
		}
	}
	return asked, nil
}

func joinKinds(ks []checker.Kind) string {
	parts := make([]string, len(ks))
	for i, k := range ks {
		parts[i] = string(k)
	}
	return strings.Join(parts, ", ")
}
