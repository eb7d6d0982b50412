package harness

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/d1check/d1check/d1"
	"github.com/d1check/d1check/emulator"
	"github.com/d1check/d1check/runner"
	"github.com/d1check/d1check/scenarios"
	"github.com/d1check/d1check/sim"
	"github.com/d1check/d1check/targets/rest"
	"github.com/d1check/d1check/targets/worker"
	workerdtarget "github.com/d1check/d1check/targets/workerd"
)

// Environment variables a scenario's target reads: secrets never live in
// scenario files, which are committed.
const (
	// EnvWorkerSecret is the driver Worker's (or d1check emulate's) shared secret.
	EnvWorkerSecret = "D1CHECK_SECRET"
)

// pingTimeout bounds the reachability check before traffic starts.
const pingTimeout = 15 * time.Second

// TargetError is a target that cannot be reached or used (exit 255): the
// run stopped before any traffic, so no verdict was formed.
type TargetError struct{ Err error }

func (e *TargetError) Error() string { return e.Err.Error() }
func (e *TargetError) Unwrap() error { return e.Err }

// openTarget builds the scenario's database and checks it answers, so that
// a run that cannot reach the database fails before traffic instead of
// recording a history of failures (which could never be called valid, but
// would waste the run).
//
// hooks are installed in an embedded emulator (the nemesis's); the
// emulator is returned too, nil for other targets, for the nemesis to act
// on.
func openTarget(ctx context.Context, s *scenarios.Scenario, hooks emulator.Hooks, clock sim.Clock, opts Options) (runner.Target, *emulator.Emulator, func() error, error) {
	switch s.Target.Kind {
	case scenarios.TargetWorkerd:
		return openWorkerd(ctx, s, hooks, opts)
	case "emulator":
		cfg := EmulatorConfig(s)
		cfg.Hooks = hooks
		cfg.Clock = clock
		emu, err := emulator.New(cfg)
		if err != nil {
			return nil, nil, nil, &ConfigError{fmt.Errorf("%s: target: %w", s.File, err)}
		}
		return emu.Database, emu, emu.Close, nil
	case "worker":
		opts := worker.Options{Secret: os.Getenv(EnvWorkerSecret)}
		c, err := worker.New(s.Target.URL, opts)
		if err != nil {
			return nil, nil, nil, &ConfigError{fmt.Errorf("%s: target.url: %w", s.File, err)}
		}
		pctx, cancel := context.WithTimeout(ctx, pingTimeout)
		defer cancel()
		if _, err := c.Ping(pctx); err != nil {
			return nil, nil, nil, &TargetError{fmt.Errorf("the driver at %s did not answer: %w", s.Target.URL, err)}
		}
		t, err := worker.Target(s.Target.URL, opts)
		if err != nil {
			return nil, nil, nil, &ConfigError{err}
		}
		return t, nil, noClose, nil
	case "rest":
		c, err := rest.New(rest.Options{BaseURL: s.Target.URL})
		if err != nil {
			return nil, nil, nil, &ConfigError{fmt.Errorf("%s: target: %w", s.File, err)}
		}
		pctx, cancel := context.WithTimeout(ctx, pingTimeout)
		defer cancel()
		if _, err := c.Ping(pctx); err != nil {
			return nil, nil, nil, &TargetError{fmt.Errorf("the D1 REST API at %s did not answer: %w", s.Target.URL, err)}
		}
		// REST has no sessions and no replicas: every region sees the primary.
		db := c.Database()
		return func(string) (*d1.Database, error) { return db, nil }, nil, noClose, nil
	}
	return nil, nil, nil, &ConfigError{fmt.Errorf("%s: target.kind %q: want one of %v", s.File, s.Target.Kind, scenarios.TargetKinds)}
}

func noClose() error { return nil }

// openWorkerd runs the driver Worker on workerd over an embedded emulator
// with the scenario's lag and the nemesis's hooks. Every query the
// emulator answers goes into opts.Trace when set.
func openWorkerd(ctx context.Context, s *scenarios.Scenario, hooks emulator.Hooks, opts Options) (runner.Target, *emulator.Emulator, func() error, error) {
	cfg := EmulatorConfig(s)
	cfg.Hooks = hooks
	emu, err := emulator.New(cfg)
	if err != nil {
		return nil, nil, nil, &ConfigError{fmt.Errorf("%s: target: %w", s.File, err)}
	}
	t, err := workerdtarget.Start(ctx, emu, workerdtarget.Options{Binary: opts.Workerd, Trace: opts.Trace})
	if err != nil {
		emu.Close()
		return nil, nil, nil, &TargetError{fmt.Errorf("%s: target workerd: %w", s.File, err)}
	}
	closeAll := func() error {
		if err := t.Close(); err != nil {
			emu.Close()
			return &TargetError{fmt.Errorf("target workerd: %w", err)}
		}
		return emu.Close()
	}
	return t.Database, emu, closeAll, nil
}

// EmulatorConfig is the emulator a scenario's target section describes.
func EmulatorConfig(s *scenarios.Scenario) emulator.Config {
	cfg := emulator.Config{Seed: s.Seed, DefaultLag: lagModel(s.Target.Replication.Lag), RoundTrip: lagModel(s.Target.RoundTrip)}
	for region, l := range s.Target.Replication.Regions {
		if cfg.Lag == nil {
			cfg.Lag = map[string]emulator.LagModel{}
		}
		cfg.Lag[region] = lagModel(l)
	}
	return cfg
}

func lagModel(l scenarios.Lag) emulator.LagModel {
	switch {
	case l.P50 > 0:
		return emulator.LongTail(l.P50, l.P99)
	case l.Max > 0:
		return emulator.Uniform(l.Min, l.Max)
	}
	return emulator.Constant(l.Constant)
}
