package main

import (
	"fmt"
	"os"
	"path/filepath"
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
			rep, err := checkFile(args[0], timeout)
			if err != nil {
				return err
			}
			h := rep.Runs[0].History
			g.log.Debug("history checked", "file", args[0], "events", len(h.Events), "truncated", h.Truncated, "synthesized", h.Synthesized)
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
	cmd.Flags().DurationVar(&timeout, "check-timeout", 2*time.Minute, "bound on the linearizability check; past it the verdict is unknown")
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
			rep, err := checkFile(args[0], timeout)
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
	cmd.Flags().DurationVar(&timeout, "check-timeout", 2*time.Minute, "bound on the linearizability check; past it the verdict is unknown")
	return cmd
}

// checkFile reads and checks one history; a bad file is the user's (254).
func checkFile(path string, timeout time.Duration) (*reports.Report, error) {
	run, err := harness.CheckFile(path, checker.Options{Timeout: timeout})
	if err != nil {
		return nil, usageErr(err)
	}
	rep, err := harness.FileReport(run)
	if err != nil {
		return nil, usageErr(err)
	}
	return rep, nil
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
