package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"time"

	"github.com/d1check/d1check/checker"
	"github.com/d1check/d1check/history"
	"github.com/d1check/d1check/reports"
	"github.com/spf13/cobra"
)

func newCheckCmd(g *globals) *cobra.Command {
	var out string
	var asJSON bool
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "check HISTORY",
		Short: "Check a saved history.jsonl and print its verdict",
		Long: `Check re-derives the verdict of a saved history from the file alone: the
linearizability, session-guarantee and invariant checks, with every anomaly's
proof. A file cut off mid-line (a killed run) is accepted: every complete line
counts, and an operation with no completion is indeterminate.

With --out, summary.json is written there too. The exit code is the verdict.`,
		Example: `  d1check check out/20261127-101500-gate/users-atomic/history.jsonl
  d1check check history.jsonl --json | jq .anomalies`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			// summary.json counts the events; the plain verdict needs only
			// the operations, so it streams the file without keeping it.
			if err := validTimeout(timeout); err != nil {
				return err
			}
			rep, err := checkInterruptible(cmd.Context(), func(ctx context.Context) (*reports.Report, error) {
				return checkFile(ctx, args[0], timeout, out != "" || asJSON)
			})
			if err != nil {
				return err
			}
			h := rep.Runs[0].History
			g.log.Debug("history checked", "file", args[0], "truncated", h.Truncated, "synthesized", h.Synthesized)
			if out != "" {
				if err := os.MkdirAll(out, 0o755); err != nil {
					return harnessErr(err)
				}
				if err := writeFile(filepath.Join(out, "summary.json"), func(f *os.File) error { return reports.WriteSummaryJSON(f, rep) }); err != nil {
					return harnessErr(err)
				}
			}
			if asJSON {
				if err := reports.WriteSummaryJSON(g.stdout, rep); err != nil {
					return harnessErr(err)
				}
			} else {
				printCheck(g, rep)
			}
			return verdictErr(rep.Verdict())
		},
	}
	cmd.Flags().StringVarP(&out, "out", "o", "", "also write summary.json to this directory")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print summary.json to stdout")
	cmd.Flags().DurationVar(&timeout, "check-timeout", 2*time.Minute, timeoutUsage)
	return cmd
}

func newReportCmd(g *globals) *cobra.Command {
	var out string
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "report HISTORY",
		Short: "Check a saved history and write index.html, junit.xml, summary.json and summary.md",
		Args:  cobra.ExactArgs(1),
		Example: `  d1check report out/20261127-101500-gate/users-atomic/history.jsonl --out /tmp/r
  chromium /tmp/r/index.html`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := validTimeout(timeout); err != nil {
				return err
			}
			rep, err := checkInterruptible(cmd.Context(), func(ctx context.Context) (*reports.Report, error) {
				return checkFile(ctx, args[0], timeout, true)
			})
			if err != nil {
				return err
			}
			dir := out
			if dir == "" {
				dir = filepath.Dir(args[0])
			}
			if err := reports.WriteAll(dir, rep); err != nil {
				return harnessErr(err)
			}
			fmt.Fprintf(g.stdout, "verdict: %s\nreport: %s\n", rep.Verdict(), filepath.Join(dir, "index.html"))
			return verdictErr(rep.Verdict())
		},
	}
	cmd.Flags().StringVarP(&out, "out", "o", "", "directory for the reports (default: beside the history)")
	cmd.Flags().DurationVar(&timeout, "check-timeout", 2*time.Minute, timeoutUsage)
	return cmd
}

// checkFile reads and checks one history; a bad file is the user's (254).
// Without keepEvents the report's History has no Events.
func checkFile(ctx context.Context, path string, timeout time.Duration, keepEvents bool) (*reports.Report, error) {
	h, res, err := checkPath(ctx, path, checker.Options{Timeout: timeout}, keepEvents)
	if err != nil {
		return nil, err
	}
	run := reports.Run{HistoryPath: path, History: h, Result: res}
	return &reports.Report{Title: "d1check " + filepath.Base(path), Started: h.Header.StartedAt, Runs: []reports.Run{run}, Command: "d1check check " + path}, nil
}

func checkPath(ctx context.Context, path string, opts checker.Options, keepEvents bool) (*history.History, *checker.Result, error) {
	if keepEvents {
		h, err := history.ReadFile(path)
		if err != nil {
			return nil, nil, usageErr(err)
		}
		if ctx.Err() != nil {
			return nil, nil, checker.ErrInterrupted
		}
		res, err := checker.Check(h, opts)
		if err != nil {
			return nil, nil, usageErr(fmt.Errorf("%s: %w", path, err))
		}
		return h, res, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, usageErr(err)
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil {
		limitMemory(st.Size())
	}
	res, h, err := checker.CheckStreamContext(ctx, f, path, opts)
	if errors.Is(err, checker.ErrInterrupted) {
		return nil, nil, err
	}
	if err != nil {
		return nil, nil, usageErr(err)
	}
	return h, res, nil
}

// timeoutUsage documents --check-timeout for check and report.
const timeoutUsage = "bound on the linearizability check; past it the verdict is unknown (0: no limit)"

// validTimeout refuses a negative --check-timeout: it would be read as
// no limit, the opposite of what someone typing it meant.
func validTimeout(d time.Duration) error {
	if d < 0 {
		return usagef("--check-timeout %v is negative: give a positive bound, or 0 for no limit", d)
	}
	return nil
}

// interruptGrace is how long an interrupted check may take to stop on its
// own before the command returns without it: the checker stops between
// events and between partitions, but a partition porcupine is in the
// middle of runs to its end.
const interruptGrace = 500 * time.Millisecond

// checkInterruptible runs check and returns its report, or, soon after
// ctx is interrupted (SIGINT, SIGTERM), the signal's exit code with no
// verdict. The check runs in a goroutine this function owns: it is told
// to stop through ctx, and if it has not within interruptGrace the
// command returns anyway and the process exits, ending it.
func checkInterruptible(ctx context.Context, check func(context.Context) (*reports.Report, error)) (*reports.Report, error) {
	type result struct {
		rep *reports.Report
		err error
	}
	done := make(chan result, 1)
	go func() {
		rep, err := check(ctx)
		done <- result{rep, err}
	}()
	select {
	case r := <-done:
		if ctx.Err() == nil {
			return r.rep, r.err
		}
	case <-ctx.Done():
		select {
		case <-done:
		case <-time.After(interruptGrace):
		}
	}
	return nil, interruptedErr(ctx, "check")
}

// limitMemory bounds the heap of a check of a history of size bytes,
// unless GOMEMLIMIT says otherwise. The checker keeps about 1.2 bytes per
// byte of history live (its operations, with their traces); by default
// Go lets the heap grow to twice what is live before collecting, which on
// a large history is hundreds of megabytes of garbage. A soft limit a
// little above the live data makes the collector run sooner instead: a
// few percent more CPU for a third less memory. Being soft, it never
// fails a check: on a history that needs more, the heap grows past it.
func limitMemory(size int64) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetMemoryLimit(size*3/2 + 32<<20)
}

func printCheck(g *globals, rep *reports.Report) {
	run := rep.Runs[0]
	if run.History.Truncated {
		fmt.Fprintf(g.stdout, "note: the file was cut off mid-line; %d operations without a completion count as indeterminate\n", run.History.Synthesized)
	}
	notes := map[string]bool{}
	for _, c := range run.Result.Checks {
		fmt.Fprintf(g.stdout, "%-20s %-8s %d %s checked, %d failed, %d anomalies\n", c.Name, c.Verdict, c.Checked, c.Unit, c.Failed, c.Anomalies)
		notes[c.Note] = c.Note != ""
	}
	for _, c := range run.Result.Checks {
		if notes[c.Note] {
			fmt.Fprintf(g.stdout, "note: %s\n", c.Note)
			notes[c.Note] = false // said once
		}
	}
	for _, a := range run.Result.Anomalies {
		fmt.Fprintf(g.stdout, "  %s: %s\n", a.Kind, a.Explanation)
	}
	fmt.Fprintf(g.stdout, "verdict: %s\n", rep.Verdict())
}

func writeFile(path string, fill func(*os.File) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := fill(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
