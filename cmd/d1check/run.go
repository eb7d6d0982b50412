package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/d1check/d1check/checker"
	"github.com/d1check/d1check/harness"
	"github.com/d1check/d1check/reports"
	"github.com/spf13/cobra"
)

// runFlags are shared by run and gate.
type runFlags struct {
	out     string
	seed    int64
	ops     int
	json    bool
	timeout time.Duration
	target  string
	workerd string
}

func (f *runFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVarP(&f.out, "out", "o", "", "write the history and reports here (default out/<run-id>/)")
	cmd.Flags().Int64Var(&f.seed, "seed", 0, "override every scenario's seed (0 keeps each scenario's own)")
	cmd.Flags().IntVar(&f.ops, "ops", 0, "override every scenario's op count, e.g. for a slow target (0 keeps each scenario's own)")
	cmd.Flags().BoolVar(&f.json, "json", false, "print summary.json to stdout instead of the text summary")
	checkTimeoutFlag(cmd, &f.timeout, "bound on the linearizability check; past it a verdict is unknown, never valid (0: no limit)")
	cmd.Flags().StringVar(&f.target, "target", "", "run every emulator scenario on this target instead: emulator, or workerd (the driver Worker on real workerd, its D1 binding served by the emulator)")
	accept(cmd, "ops", &f.ops, nonNegative, "a positive op count, or 0 to keep each scenario's")
	cmd.Flags().StringVar(&f.workerd, "workerd", "", "the workerd binary for target workerd (default $D1CHECK_WORKERD, then .tools/bin/workerd as scripts/install-node.sh installs it)")
}

func newRunCmd(g *globals) *cobra.Command {
	f := &runFlags{}
	cmd := &cobra.Command{
		Use:   "run [scenario|dir|suite ...]",
		Short: "Run scenarios and report; no argument runs the gate suite on the embedded emulator",
		Long: `Run drives each scenario's traffic, records history.jsonl, checks it and writes
index.html, junit.xml, summary.json and summary.md to --out.

No argument runs the gate suite: the built-in correct access patterns on the
embedded emulator, expected valid (the README's first command).

An argument is a scenario file, a directory of *.yaml files, a built-in suite
(gate, demo) or a built-in file (demo/users-unconstrained-none.yaml).

The exit code is the worst verdict: 0 valid, 1 invalid, 2 unknown. Use
'd1check gate' to pass or fail on each scenario's expect block instead.`,
		Example: `  d1check run
  d1check run scenarios/demo/users-unconstrained-none.yaml --out /tmp/demo
  d1check run my-scenarios/ --seed 42
  d1check run demo/users-unconstrained-none.yaml --target workerd`,
		RunE: func(cmd *cobra.Command, args []string) error {
			rep, _, err := runSuite(cmd, g, f, args, "gate")
			if err != nil {
				return err
			}
			return verdictErr(rep.Verdict())
		},
	}
	f.register(cmd)
	return cmd
}

func newGateCmd(g *globals) *cobra.Command {
	f := &runFlags{}
	cmd := &cobra.Command{
		Use:   "gate [scenario|dir|suite ...]",
		Short: "Pass or fail on every scenario's expect block (the CI step before replication goes on)",
		Long: `Gate runs scenarios like 'run' and passes (exit 0) only when every scenario's
verdict and set of anomaly kinds match its expect block; a scenario without an
expect block must be valid. No argument runs the built-in gate suite.

When $GITHUB_STEP_SUMMARY is set, summary.md is appended to it.`,
		Example: `  d1check gate                        the gate suite: every correct pattern stays valid
  d1check gate demo                   every guide pattern fails exactly as it expects
  d1check gate scenarios/gate/ my-scenarios/ --out out/ci`,
		RunE: func(cmd *cobra.Command, args []string) error {
			rep, dir, err := runSuite(cmd, g, f, args, "gate")
			if err != nil {
				return err
			}
			if p := os.Getenv("GITHUB_STEP_SUMMARY"); p != "" {
				if err := appendFile(p, filepath.Join(dir, "summary.md")); err != nil {
					return harnessErr(fmt.Errorf("appending to $GITHUB_STEP_SUMMARY: %w", err))
				}
			}
			var failed []string
			for _, run := range rep.Runs {
				if !run.Expect.Met {
					failed = append(failed, fmt.Sprintf("%s: %s", run.Scenario.Name, run.Expect.Why))
				}
			}
			if len(failed) > 0 {
				return &exitError{code: exitInvalid, err: fmt.Errorf("gate failed:\n  %s", strings.Join(failed, "\n  "))}
			}
			fmt.Fprintf(g.stdout, "gate passed: %d scenarios met their expectations\n", len(rep.Runs))
			return nil
		},
	}
	f.register(cmd)
	return cmd
}

// runSuite runs the scenarios args name and writes the reports.
func runSuite(cmd *cobra.Command, g *globals, f *runFlags, args []string, defaultSuite string) (*reports.Report, string, error) {
	ss, err := loadScenarios(args, defaultSuite)
	if err != nil {
		return nil, "", err
	}
	what := defaultSuite
	if len(args) > 0 {
		what = strings.TrimSuffix(filepath.Base(args[0]), ".yaml")
	}
	// Every override is applied before anything runs, so that a scenario
	// it does not fit is refused before the others have run.
	for _, s := range ss {
		if f.seed != 0 {
			s.Seed = f.seed
		}
		if f.ops > 0 {
			s.Ops, s.Duration = f.ops, 0
		}
		if f.target != "" {
			if err := s.OverrideTarget(f.target); err != nil {
				return nil, "", usageErr(err)
			}
		}
	}
	ctx := cmd.Context()
	dir := outDir(f.out, what)
	started := time.Now()
	var runs []harness.Run
	for i, s := range ss {
		if ctx.Err() != nil { // interrupted between scenarios: start no other
			return nil, "", interruptedErr(ctx, s.Name, "not started; no verdict and no report (the scenarios that ran have their histories in "+dir+")")
		}
		sdir := dir
		if len(ss) > 1 {
			sdir = filepath.Join(dir, s.Name)
		}
		g.log.Debug("scenario starting", "name", s.Name, "file", s.File, "workload", s.Workload, "variants", s.Variants,
			"bookmarks", s.Bookmarks, "target", s.Target.Kind, "clients", s.Clients, "ops", s.Ops, "duration", s.Duration, "seed", s.Seed, "dir", sdir)
		prog := newProgress(g.stderr, fmt.Sprintf("[%d/%d] %s", i+1, len(ss), s.Name))
		run, err := harness.Execute(ctx, s, sdir, harness.Options{
			Check:    checker.Options{Timeout: f.timeout},
			Progress: prog.update,
			Workerd:  f.workerd,
		})
		prog.done()
		if err != nil && ctx.Err() != nil {
			// The signal cut the run or its check short
			// (checker.ErrInterrupted), or its setup: the clients
			// stopped, the history holds every operation they made, and
			// it has no verdict.
			left := "no verdict and no report; nothing was recorded"
			if run.HistoryPath != "" {
				left = fmt.Sprintf("no verdict and no report; the history so far is in %s ('d1check check' reads it)", run.HistoryPath)
			}
			return nil, "", interruptedErr(ctx, s.Name, left)
		}
		if err != nil {
			return nil, "", classify(fmt.Errorf("%s: %w", s.Name, err))
		}
		g.log.Debug("scenario checked", "name", s.Name, "history", run.HistoryPath, "events", len(run.History.Events), "verdict", run.Result.Verdict)
		runs = append(runs, run)
		if !f.json {
			reports.WriteRunLine(g.stdout, s.Name, run.Result, harness.Expectation(run))
			if s.Simulated() {
				fmt.Fprintf(g.stdout, "    replay: %s\n", s.ReplayCommand())
			}
		}
	}
	rep, err := harness.Report("d1check "+what, started, "d1check "+strings.Join(append([]string{cmd.Name()}, args...), " "), runs)
	if err != nil {
		return nil, "", harnessErr(err)
	}
	if err := reports.WriteAll(dir, rep); err != nil {
		return nil, "", harnessErr(err)
	}
	g.log.Debug("reports written", "dir", dir)
	if f.json {
		if err := reports.WriteSummaryJSON(g.stdout, rep); err != nil {
			return nil, "", harnessErr(err)
		}
	} else {
		fmt.Fprintf(g.stdout, "\nverdict: %s\nreport: %s\n", rep.Verdict(), filepath.Join(dir, "index.html"))
	}
	return rep, dir, nil
}

// verdictErr maps a verdict to the exit code Jepsen would use.
func verdictErr(v checker.Verdict) error {
	switch v {
	case checker.Valid:
		return nil
	case checker.Invalid:
		return &exitError{code: exitInvalid, err: fmt.Errorf("verdict: invalid"), quiet: true}
	}
	return &exitError{code: exitUnknown, err: fmt.Errorf("verdict: %s", v), quiet: true}
}

func appendFile(dst, src string) error {
	data, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(dst, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
