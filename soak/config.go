package soak

import (
	"errors"
	"fmt"
	"github.com/d1check/d1check/sim"
	"time"

	"github.com/d1check/d1check/checker"
	"github.com/d1check/d1check/harness"
	"github.com/d1check/d1check/runner"
	"github.com/d1check/d1check/scenarios"
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
// scenarios included (harness.ValidateSeries builds each one's nemesis to
// prove its faults apply); the errors are *harness.ConfigError.
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
	if len(c.Scenarios) > 0 {
		errs = append(errs, harness.ValidateSeries(c.Scenarios))
	}
	if err := errors.Join(errs...); err != nil {
		return &harness.ConfigError{Err: fmt.Errorf("soak: %w", err)}
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
