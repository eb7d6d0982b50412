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
	"github.com/d1check/d1check/harness"
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
				reports.WriteCheckText(g.stdout, rep.Runs[0])
			}
			return verdictErr(rep.Verdict())
		},
	}
	cmd.Flags().StringVarP(&out, "out", "o", "", "also write summary.json to this directory")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print summary.json to stdout")
	checkTimeoutFlag(cmd, &timeout, timeoutUsage)
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
	checkTimeoutFlag(cmd, &timeout, timeoutUsage)
	return cmd
}

// checkFile reads and checks one history; a bad file is the user's (254).
// Without keepEvents the file is streamed and the report's History has
// no Events.
func checkFile(ctx context.Context, path string, timeout time.Duration, keepEvents bool) (*reports.Report, error) {
	opts := checker.Options{Timeout: timeout}
	var run harness.Run
	var err error
	if keepEvents {
		run, err = harness.CheckFile(path, opts)
	} else {
		if st, serr := os.Stat(path); serr == nil {
			limitMemory(st.Size())
		}
		run, err = harness.CheckFileStream(ctx, path, opts)
	}
	if errors.Is(err, checker.ErrInterrupted) {
		return nil, err
	}
	if err != nil {
		return nil, usageErr(err)
	}
	rep, err := harness.FileReport(run)
	if err != nil {
		return nil, usageErr(err)
	}
	return rep, nil
}

// timeoutUsage documents --check-timeout for check and report.
const timeoutUsage = "bound on the linearizability check; past it the verdict is unknown (0: no limit)"

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
	return nil, interruptedErr(ctx, "check", "no verdict")
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
