package soak

import (
	"errors"
	"fmt"
	"reflect"
	"time"

	"github.com/d1check/d1check/checker"
	"github.com/d1check/d1check/d1"
	"github.com/d1check/d1check/harness"
	"github.com/d1check/d1check/runner"
	"github.com/d1check/d1check/scenarios"
	"github.com/d1check/d1check/sim"
	"github.com/d1check/d1check/workloads"
)

// Defaults.
const (
	DefaultWindow = 30 * time.Second
	// DefaultMaxAnomalies is how many anomalies the report keeps per
	// scenario over the whole soak (counts stay exact).
	DefaultMaxAnomalies = 1000
	// MaxFaultEvents is how many nemesis events the report keeps per
	// scenario: enough to shade every fault of a day's soak.
	MaxFaultEvents = 5000
)

// Config is one soak.
type Config struct {
	// Scenarios are the mix, run one per window, round-robin. They must
	// all target the embedded emulator with the same replication model:
	// the soak runs them on one emulator.
	Scenarios []*scenarios.Scenario
	// Duration is the soak's length; the last window is cut to fit.
	Duration time.Duration
	// Window is each window's length; 0 means DefaultWindow.
	Window time.Duration
	// HistoryPath is the history file the soak writes (created).
	HistoryPath string
	// Check bounds each window's check.
	Check checker.Options
	// MaxAnomalies caps the anomalies kept per scenario; 0 means
	// DefaultMaxAnomalies.
	MaxAnomalies int
	// Progress, when set, is called a few times a second from the window
	// that is running.
	Progress func(Progress)
	// OnWindow, when set, is called after each window is checked, from the
	// goroutine that called Run.
	OnWindow func(Window)
	// Clock is the soak's time; nil is the machine's, which is what a soak
	// is for (memory and disk over hours of wall time). A *sim.Scheduler
	// runs the windows on simulated time — the same soak every time,
	// whatever the load — which is what tests of the soak itself use.
	Clock sim.Clock
}

// Progress is the soak so far.
type Progress struct {
	Window   int    // 0-based
	Scenario string // the running window's
	Elapsed  time.Duration
	Left     time.Duration
	// Ops are client ops completed so far, the running window's included.
	Ops       int
	OpsPerSec float64
	// Anomalies found so far, in the windows already checked.
	Anomalies int
}

// Window is one checked window.
type Window struct {
	Index    int
	Scenario string
	Stats    runner.Stats
	Result   *checker.Result
	// Anomalies found so far, this window's included.
	Anomalies int
}

// validate reports everything wrong with cfg before anything runs,
// building each scenario's nemesis to prove its faults apply; the errors
// are *harness.ConfigError.
func (c *Config) validate() error {
	var errs []error
	if len(c.Scenarios) == 0 {
		errs = append(errs, errors.New("no scenario to soak"))
	}
	if c.Duration <= 0 {
		errs = append(errs, fmt.Errorf("duration is %v, want more than 0", c.Duration))
	}
	if c.Window < 0 {
		errs = append(errs, fmt.Errorf("window is %v, want more than 0", c.Window))
	}
	if c.HistoryPath == "" {
		errs = append(errs, errors.New("no history path"))
	}
	for _, s := range c.Scenarios {
		if err := checkScenario(s, c.Scenarios[0]); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", s.File, err))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return &harness.ConfigError{Err: fmt.Errorf("soak: %w", err)}
	}
	return nil
}

// checkScenario reports why s cannot be part of a soak whose emulator is
// first's.
func checkScenario(s, first *scenarios.Scenario) error {
	if s.Target.Kind != "emulator" {
		return fmt.Errorf("target %s: a soak runs on the embedded emulator only", s.Target.Kind)
	}
	if !reflect.DeepEqual(s.Target, first.Target) {
		return fmt.Errorf("its target differs from %s's: the soak runs every scenario on one emulator", first.File)
	}
	w, err := workloads.Lookup(s.Workload)
	if err != nil {
		return err
	}
	cfg := harness.RunnerConfig(s, w, func(string) (*d1.Database, error) { return nil, nil }, nil)
	cfg.Ops, cfg.Duration = 0, time.Second // a soak's windows are bounded by time
	if err := cfg.Validate(); err != nil {
		return err
	}
	if _, err := harness.NewNemesis(s, sim.Real{}); err != nil {
		return err
	}
	return nil
}

func (c *Config) window() time.Duration {
	if c.Window == 0 {
		return DefaultWindow
	}
	return c.Window
}

func (c *Config) maxAnomalies() int {
	if c.MaxAnomalies <= 0 {
		return DefaultMaxAnomalies
	}
	return c.MaxAnomalies
}
