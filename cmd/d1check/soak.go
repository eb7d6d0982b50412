package main

import (
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/d1check/d1check/checker"
	"github.com/d1check/d1check/harness"
	"github.com/d1check/d1check/reports"
	"github.com/d1check/d1check/scenarios"
	"github.com/d1check/d1check/soak"
	"github.com/spf13/cobra"
)

func newSoakCmd(g *globals) *cobra.Command {
	var (
		out      string
		duration time.Duration
		window   time.Duration
		timeout  time.Duration
		seed     int64
	)
	cmd := &cobra.Command{
		Use:   "soak [scenario|dir|suite ...] --duration D",
		Short: "Run scenarios for a long time on one emulator, with faults, checking as it goes",
		Long: `Soak runs its scenarios in windows of --window, one scenario per window, round-robin,
on one embedded emulator, all into one history.jsonl, and checks each window as it ends
so memory stays flat however long it runs. Progress (ops/s, anomalies so far, time
left) goes to stderr.

No argument runs the built-in soak mix: every workload, correct and guide variants,
bookmarks carried, under every fault kind (d1check scenarios lists it).

SIGINT or SIGTERM stops the clients, runs the final reads, checks and reports what was
recorded (the report's title says it was interrupted), then exits 130 (SIGINT) or 143
(SIGTERM); a second signal exits at once with its code, the history intact up to its
last complete line ('d1check check' reads it).

The exit code is the verdict over every window: 0 valid, 1 invalid, 2 unknown. The
built-in mix runs the guide's variants too, so it is expected invalid; each scenario's
line says whether it met its expect block.`,
		Example: `  d1check soak --duration 30m --out out/soak
  d1check soak gate/users-atomic-faults.yaml --duration 10m --window 1m`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if duration == 0 {
				return usagef("--duration is required: give the soak's length, e.g. --duration 30m")
			}
			ss, err := soakScenarios(args)
			if err != nil {
				return err
			}
			if seed != 0 {
				for _, s := range ss {
					s.Seed = seed
				}
			}
			dir := outDir(out, "soak")
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return harnessErr(err)
			}
			path := filepath.Join(dir, "history.jsonl")
			stop := exitOnSecondSignal(g, path)
			defer stop()
			prog := newProgress(g.stderr, "soak")
			res, err := soak.Run(cmd.Context(), soak.Config{
				Scenarios: ss, Duration: duration, Window: window, HistoryPath: path,
				Check:    checker.Options{Timeout: timeout},
				Progress: prog.soak,
				OnWindow: func(w soak.Window) {
					prog.done()
					fmt.Fprintf(g.stderr, "window %d %s: %d ops, %s, %d anomalies so far\n", w.Index, w.Scenario, w.Stats.Ops, w.Result.Verdict, w.Anomalies)
				},
			})
			prog.done()
			if err != nil {
				return classify(fmt.Errorf("soak: %w (the history so far is in %s)", err, path))
			}
			if err := reports.WriteAll(dir, res.Report); err != nil {
				return harnessErr(err)
			}
			if res.Interrupted {
				fmt.Fprintf(g.stdout, "interrupted after %v: reporting the %d windows recorded\n", res.Elapsed.Round(time.Second), res.Windows)
			}
			fmt.Fprintf(g.stdout, "%d windows, %d ops (%d ok, %d fail, %d info), %d anomalies, %.0f ops/s\n",
				res.Windows, res.Ops, res.OK, res.Fail, res.Info, res.Anomalies, float64(res.Ops)/res.Elapsed.Seconds())
			for _, run := range res.Report.Runs {
				reports.WriteRunLine(g.stdout, run.Scenario.Name, run.Result, run.Expect)
			}
			fmt.Fprintf(g.stdout, "\nverdict: %s\nhistory: %s\nreport: %s\n", res.Report.Verdict(), path, filepath.Join(dir, "index.html"))
			if res.Interrupted {
				return interruptedErr(cmd.Context(), "soak", fmt.Sprintf("the verdict above covers only the %d windows recorded", res.Windows))
			}
			return verdictErr(res.Report.Verdict())
		},
	}
	cmd.Flags().StringVarP(&out, "out", "o", "", "write the history and reports here (default out/<run-id>/)")
	cmd.Flags().DurationVar(&duration, "duration", 0, "how long to soak (required), e.g. 30m")
	cmd.Flags().DurationVar(&window, "window", soak.DefaultWindow, "length of each window: one scenario, checked when it ends")
	checkTimeoutFlag(cmd, &timeout, "bound on each window's linearizability check; past it the verdict is unknown (0: no limit)")
	cmd.Flags().Int64Var(&seed, "seed", 0, "override every scenario's seed (0 keeps each scenario's own)")
	accept(cmd, "duration", &duration, positive, "a positive duration such as 30m")
	accept(cmd, "window", &window, positive, "a positive duration such as 1m")
	return cmd
}

// soakScenarios are the scenarios args name, or the built-in soak mix:
// read from the binary even when a directory named soak is at hand (the
// soak package's own, in a checkout).
func soakScenarios(args []string) ([]*scenarios.Scenario, error) {
	if len(args) > 0 {
		return loadScenarios(args, "")
	}
	ss, err := scenarios.Builtin("soak", harness.Catalog{})
	if err != nil {
		return nil, harnessErr(err)
	}
	return ss, nil
}

// exitOnSecondSignal exits the process at the second SIGINT or SIGTERM
// (the first cancels the command's context: see run). The history writer
// flushes every event, so the file holds every complete line. stop ends
// the watching goroutine.
func exitOnSecondSignal(g *globals, path string) (stop func()) {
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	stopWatch := watchSignals(sigs,
		func(os.Signal) {
			fmt.Fprintln(g.stderr, "\nsoak: stopping: final reads, checks and reports follow (signal again to exit at once)")
		},
		func(s os.Signal) {
			fmt.Fprintf(g.stderr, "soak: second signal: exiting now; %s holds every complete line\n", path)
			sig, _ := s.(syscall.Signal)
			os.Exit(interrupted{sig}.code())
		})
	return func() {
		signal.Stop(sigs)
		stopWatch()
	}
}

// watchSignals calls first with the first value on sigs and second with
// the next, from a goroutine that stop ends (and waits for).
func watchSignals(sigs <-chan os.Signal, first, second func(os.Signal)) (stop func()) {
	quit, exited := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(exited)
		for n := 0; ; {
			select {
			case <-quit:
				return
			case sig := <-sigs:
				if n++; n == 1 {
					first(sig)
				} else {
					second(sig)
					return
				}
			}
		}
	}()
	return func() {
		close(quit)
		<-exited
	}
}

// soak is soak.Config.Progress: the soak's line, redrawn in place on a
// terminal, every few seconds otherwise.
func (p *progress) soak(s soak.Progress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if now.Sub(p.last) < p.interval {
		return
	}
	p.last = now
	msg := fmt.Sprintf("%s: window %d %s, %d ops, %.0f ops/s, %d anomalies, %s left",
		p.label, s.Window, s.Scenario, s.Ops, s.OpsPerSec, s.Anomalies, s.Left.Round(time.Second))
	if p.tty {
		fmt.Fprintf(p.w, "\r\033[K%s", strings.TrimSpace(msg))
		p.drawn = true
	} else {
		fmt.Fprintln(p.w, msg)
	}
}
