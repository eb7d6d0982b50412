package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/d1check/d1check/checker"
	"github.com/d1check/d1check/harness"
	"github.com/d1check/d1check/reports"
	"github.com/d1check/d1check/scenarios"
	"github.com/d1check/d1check/shrink"
	"github.com/spf13/cobra"
)

func newShrinkCmd(g *globals) *cobra.Command {
	var (
		out, script string
		seed        int64
		kinds       []string
		opts        shrink.Options
		timeout     time.Duration
	)
	cmd := &cobra.Command{
		Use:   "shrink SCENARIO|RUN-DIR [--seed N]",
		Short: "Find the smallest run that still shows a scenario's anomalies, and pin it as a regression",
		Long: `Shrink runs a failing scenario smaller and smaller — fewer clients, ops and keys,
fewer variants, faults and region overrides, less lag and round trip — and keeps
the smallest run that still shows the same anomaly kinds (or the --kinds given).
It writes that run as a scenario file (NAME-min.yaml, whose expect states exactly
what it shows) and as a testscript (NAME-min.txtar, for testdata/script/) that
runs 'd1check gate' on it and asserts its exact anomaly counts, plus the smallest
run's history and report under smallest/.

SCENARIO is a scenario file or a built-in one; RUN-DIR is the output directory of
a failing 'd1check run' (or its history.jsonl), whose header holds the scenario
and seed. Only runs on the embedded emulator on simulated time can be shrunk:
they replay from their seed, so a smaller run that passes really passes.

The search is greedy and deterministic: each dimension tries its least value,
then bisects; passes repeat until nothing changes or --max-runs / --max-time is
spent. Each run is printed on stderr.

Exit codes: 0 shrunk (the files are written); 254 bad arguments, a scenario on
real time or another target ("shrink needs a run that replays from its seed"),
or nothing to shrink ("nothing to shrink: ... the run is valid"); 255 harness
or target failure; 130 or 143 interrupted by SIGINT or SIGTERM (the run under
way is stopped, nothing is written).`,
		Example: `  d1check shrink demo/users-first-primary.yaml
  d1check shrink scenarios/demo/users-plain.yaml --seed 12 --out /tmp/min
  d1check shrink out/20260101-120000-users-plain/ --script testdata/script/users-plain-min.txtar
  d1check shrink demo/magic-codes-unconstrained-none.yaml --kinds false-reject --max-runs 80`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := shrinkScenario(args[0])
			if err != nil {
				return err
			}
			if seed != 0 {
				s.Seed = seed
			}
			for _, k := range kinds {
				opts.Kinds = append(opts.Kinds, checker.Kind(k))
			}
			dir := outDir(out, "shrink-"+s.Name)
			var bar progressBars
			opts.Dir, opts.Progress, opts.Check = dir, bar.writer(g.stderr), checker.Options{Timeout: timeout}
			opts.RunProgress = func(n int) func(int, int) { return bar.start(g.stderr, fmt.Sprintf("shrink: run %d", n)).update }
			res, err := shrink.Shrink(cmd.Context(), s, opts)
			bar.done()
			if ctx := cmd.Context(); ctx.Err() != nil {
				return interruptedErr(ctx, "shrink", "nothing written: the runs it made are listed above")
			}
			if errors.Is(err, shrink.ErrNotReplayable) || errors.Is(err, shrink.ErrNothingToShrink) {
				return usageErr(err)
			} else if err != nil {
				return classify(err)
			}
			command := "d1check shrink " + args[0] + fmt.Sprintf(" --seed %d", s.Seed)
			return writeShrunk(g, res, command, dir, script)
		},
	}
	cmd.Flags().StringVarP(&out, "out", "o", "", "write the scenario, testscript and smallest run here (default out/<run-id>/)")
	cmd.Flags().StringVar(&script, "script", "", "write the testscript here instead (e.g. testdata/script/NAME-min.txtar)")
	cmd.Flags().Int64Var(&seed, "seed", 0, "the seed to shrink (0 keeps the scenario's or the run's)")
	cmd.Flags().StringSliceVar(&kinds, "kinds", nil, "anomaly kinds to keep, comma-separated (default: every kind the run shows)")
	cmd.Flags().IntVar(&opts.MaxRuns, "max-runs", shrink.DefaultMaxRuns, "stop after this many runs")
	cmd.Flags().DurationVar(&opts.MaxTime, "max-time", shrink.DefaultMaxTime, "stop after this long")
	checkTimeoutFlag(cmd, &timeout, "bound on each run's linearizability check; an unknown verdict counts as not failing (0: no limit)")
	accept(cmd, "max-runs", &opts.MaxRuns, positive, "at least 1")
	accept(cmd, "max-time", &opts.MaxTime, positive, "a positive duration such as 5m")
	accept(cmd, "kinds", &kinds, allIn(checker.Kinds()), oneOf(checker.Kinds()))
	return cmd
}

// shrinkScenario resolves shrink's argument: a run's directory or history
// file, else one scenario.
func shrinkScenario(arg string) (*scenarios.Scenario, error) {
	if fi, err := os.Stat(arg); err == nil && (strings.HasSuffix(arg, ".jsonl") || fi.IsDir() && isRunDir(arg)) {
		s, err := harness.RecordedScenario(arg)
		if err != nil {
			return nil, classify(err)
		}
		return s, nil
	}
	ss, err := loadScenarios([]string{arg}, "")
	if err != nil {
		return nil, err
	}
	if len(ss) != 1 {
		return nil, usagef("%s holds %d scenarios: shrink takes one", arg, len(ss))
	}
	return ss[0], nil
}

// isRunDir: a run's output directory, or a suite's (which
// RecordedScenario explains), as opposed to a directory of scenarios.
func isRunDir(dir string) bool {
	if _, err := os.Stat(filepath.Join(dir, "history.jsonl")); err == nil {
		return true
	}
	runs, _ := filepath.Glob(filepath.Join(dir, "*", "history.jsonl"))
	return len(runs) > 0
}

// writeShrunk writes the smallest scenario, its testscript and report, and
// says what the search did.
func writeShrunk(g *globals, res *shrink.Result, command, dir, script string) error {
	name := res.Smallest.Name
	scenarioPath := filepath.Join(dir, name+".yaml")
	if script == "" {
		script = filepath.Join(dir, name+".txtar")
	}
	rep, err := harness.Report("d1check shrink "+res.Original.Name, time.Now(), command, []harness.Run{res.Run})
	if err != nil {
		return harnessErr(err)
	}
	err = errors.Join(
		os.WriteFile(scenarioPath, shrink.ScenarioFile(res, command), 0o644),
		os.MkdirAll(filepath.Dir(script), 0o755),
		os.WriteFile(script, shrink.Testscript(res, command), 0o644),
		reports.WriteAll(filepath.Join(dir, "smallest"), rep),
	)
	if err != nil {
		return harnessErr(err)
	}
	fmt.Fprintf(g.stdout, "shrunk %s (seed %d), keeping %s:\n", res.Original.Name, res.Original.Seed, strings.Join(kindStrings(res.Target), ", "))
	for _, c := range res.Changes {
		fmt.Fprintf(g.stdout, "  %s: %s → %s\n", c.Dimension, c.From, c.To)
	}
	if len(res.Changes) == 0 {
		fmt.Fprintln(g.stdout, "  no smaller run shows them: the scenario is as small as the search can make it")
	}
	fmt.Fprintf(g.stdout, "smallest run: %d clients, %d ops, %d keys: %s (%d anomalies)\n", res.Smallest.Clients, res.Smallest.Ops, res.Smallest.Keys.Count, res.Last, res.Last.Count)
	fmt.Fprintf(g.stdout, "searched: %d runs in %s", res.Runs, res.Elapsed.Round(100*time.Millisecond))
	if res.Stopped != "" {
		fmt.Fprintf(g.stdout, " (stopped early, %s: smaller runs may exist)", res.Stopped)
	}
	fmt.Fprintf(g.stdout, "\nscenario: %s\ntestscript: %s\nreport: %s\n", scenarioPath, script, filepath.Join(dir, "smallest", "index.html"))
	return nil
}

func kindStrings(ks []checker.Kind) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = string(k)
	}
	return out
}
