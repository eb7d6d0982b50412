// Package harness runs scenarios end to end: it builds the scenario's
// target, drives the workload with the runner (and the faults with the
// nemesis) into a history file, reads that file back, checks it, judges
// the checked run against the scenario's expectation and hands it to the
// reports. It is the only package that wires those parts together:
// commands, the selftest and the soak call it.
//
// The verdict is always derived from the history file, never from memory,
// so `d1check check` on a saved history gives the same answer as the run
// that wrote it.
package harness

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/d1check/d1check/checker"
	"github.com/d1check/d1check/emulator"
	"github.com/d1check/d1check/emulator/server"
	"github.com/d1check/d1check/history"
	"github.com/d1check/d1check/nemesis"
	"github.com/d1check/d1check/runner"
	"github.com/d1check/d1check/scenarios"
	"github.com/d1check/d1check/sim"
	"github.com/d1check/d1check/workloads"
	_ "github.com/d1check/d1check/workloads/all" // every workload, by name
)

// ConfigError is a scenario that cannot be run as written (exit 254):
// nothing was sent to a database.
type ConfigError struct{ Err error }

func (e *ConfigError) Error() string { return e.Err.Error() }
func (e *ConfigError) Unwrap() error { return e.Err }

// Options are what a caller adds to a scenario.
type Options struct {
	// Check bounds the checker's work; see checker.Options.
	Check checker.Options
	// Progress, when set, is called about once a second with the ops done
	// so far and the ops planned (0 for a duration-bound run).
	Progress func(done, planned int)
	// Workerd is the workerd binary of target workerd ("" resolves it:
	// $D1CHECK_WORKERD, .tools/bin, …; see workerd.Find).
	Workerd string
	// Trace, when set, records every query the emulator's server answers
	// (target workerd); Execute saves it as trace.jsonl next to the
	// history.
	Trace *server.Trace
}

// Catalog is the scenarios.Catalog of the registered workloads.
type Catalog struct{}

// Variants implements scenarios.Catalog.
func (Catalog) Variants(workload string) ([]string, bool) {
	w, err := workloads.Lookup(workload)
	if err != nil {
		return nil, false
	}
	return w.Variants(), true
}

// Verdicts implements scenarios.Catalog with the checker's verdicts.
func (Catalog) Verdicts() []string { return names(checker.Verdicts) }

// AnomalyKinds implements scenarios.Catalog with every kind the checker
// can emit.
func (Catalog) AnomalyKinds() []string { return names(checker.Kinds()) }

func names[T ~string](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

// Execute runs s, writing dir/history.jsonl, and returns the checked run.
// A *ConfigError means the scenario cannot run here; checker.ErrInterrupted
// that ctx ended the run or its check early (its history is written,
// complete up to where the clients stopped, and has no verdict); any other
// error is a failure of the harness or the target.
func Execute(ctx context.Context, s *scenarios.Scenario, dir string, opts Options) (Run, error) {
	run := Run{Scenario: s}
	clock := Clock(s)
	nem, err := newNemesis(s, clock)
	if err != nil {
		return run, err
	}
	var hooks emulator.Hooks
	if nem != nil {
		hooks = nem.Hooks(hooks)
	}
	if (s.Target.Kind == scenarios.TargetWorkerd || s.Target.Kind == scenarios.TargetApp) && opts.Trace == nil {
		opts.Trace = server.NewTrace(0)
	}
	t, err := openTarget(ctx, s, hooks, clock, opts)
	if err != nil {
		return run, err
	}
	closed := false
	defer func() {
		if !closed {
			t.close()
		}
	}()
	w, err := t.workload(s)
	if err != nil {
		return run, err
	}

	if err := os.MkdirAll(dir, 0o755); err != nil {
		return run, err
	}
	run.HistoryPath = filepath.Join(dir, "history.jsonl")
	if err := t.setup(ctx); err != nil {
		return run, err
	}
	// The history's clock starts here, so that the server's trace (on the
	// wall clock: app targets run on real time) can be joined to its ops.
	epoch := clock.Now()
	if err := record(ctx, s, w, t.db, clock, fault{nem, t.emu}, run.HistoryPath, opts, epoch); err != nil {
		return run, err
	}
	closed = true
	if err := t.close(); err != nil {
		return run, err
	}
	if opts.Trace != nil {
		if err := opts.Trace.Save(filepath.Join(dir, "trace.jsonl")); err != nil {
			return run, err
		}
	}
	if ctx.Err() != nil {
		// Interrupted: the clients stopped early and the history holds
		// every operation they made, complete, for 'd1check check'. It is
		// not checked here: a verdict on part of a run is not the
		// scenario's, and checking a long history would hold up the exit
		// that the interruption asked for.
		return run, fmt.Errorf("%w: the run was stopped before its end", checker.ErrInterrupted)
	}
	h, err := history.ReadFile(run.HistoryPath)
	if err != nil {
		return run, fmt.Errorf("re-reading the history just written: %w", err)
	}
	run.History = h
	if err := t.routesAnswered(h); err != nil {
		return run, err
	}
	if err := t.joinTrace(h, run.HistoryPath, epoch, opts.Trace); err != nil {
		return run, err
	}
	run.Result, err = checker.CheckContext(ctx, h, opts.Check)
	if errors.Is(err, checker.ErrInterrupted) {
		return run, err
	}
	if err != nil {
		return run, fmt.Errorf("checking %s: %w", run.HistoryPath, err)
	}
	return run, nil
}

// fault is what a run's faults act through: the nemesis (nil without
// faults) and the embedded emulator (nil for other targets).
type fault struct {
	n   *nemesis.Nemesis
	emu *emulator.Emulator
}

// record drives the traffic, and the faults, into path.
func record(ctx context.Context, s *scenarios.Scenario, w workloads.Workload, target runner.Target, clock sim.Clock, f fault, path string, opts Options, epoch time.Time) error {
	file, err := os.Create(path)
	if err != nil {
		return err
	}
	defer file.Close()
	hw, err := newHistoryWriter(file, s, clock.Now())
	if err != nil {
		return err
	}
	cfg := runnerConfig(s, w, target, hw)
	cfg.Progress = opts.Progress
	cfg.Clock, cfg.Epoch = clock, epoch
	if err := cfg.Validate(); err != nil {
		return &ConfigError{err}
	}
	_, err = traffic(ctx, cfg, f)
	return errors.Join(err, hw.Close(), file.Close())
}

// traffic runs cfg with f's faults, recording both in cfg.History: the one
// place a run's traffic and its faults meet.
func traffic(ctx context.Context, cfg runner.Config, f fault) (runner.Stats, error) {
	faultErr := wireFaults(ctx, &cfg, f.n, f.emu, cfg.History)
	st, runErr := runner.Run(ctx, cfg)
	return st, errors.Join(runErr, faultErr())
}

// newHistoryWriter writes the header of s's history to w; started is the
// run's start on its clock (the fixed sim.Epoch on simulated time, so that
// the header replays too).
func newHistoryWriter(w io.Writer, s *scenarios.Scenario, started time.Time) (*history.Writer, error) {
	scenarioJSON, err := json.Marshal(s)
	if err != nil {
		return nil, err
	}
	return history.NewWriter(w, history.Header{Scenario: scenarioJSON, Target: s.Target.Kind, Seed: s.Seed, StartedAt: started.UTC()})
}

// Clock is the clock s runs on: a scheduler seeded with s's seed on
// simulated time, the machine's clock otherwise.
func Clock(s *scenarios.Scenario) sim.Clock {
	if s.Target.Kind == "emulator" && s.Target.Time != scenarios.TimeReal {
		return sim.NewScheduler(s.Seed)
	}
	return sim.Real{}
}

// runnerConfig is the run s describes, of workload w on target, recorded
// in hw. Callers add what is not the scenario's: progress, faults, a soak's
// clock and namespace (a Series).
func runnerConfig(s *scenarios.Scenario, w workloads.Workload, target runner.Target, hw *history.Writer) runner.Config {
	return runner.Config{
		Workload:  w,
		Target:    target,
		Clients:   s.Clients,
		Ops:       s.Ops,
		Duration:  s.Duration,
		Keys:      workloads.KeySpace{Count: s.Keys.Count, Hot: s.Keys.Hot, HotKeys: s.Keys.HotKeys},
		Seed:      s.Seed,
		Variants:  s.Variants,
		Bookmarks: s.Bookmarks,
		History:   hw,
	}
}
