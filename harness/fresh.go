package harness

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/d1check/d1check/checker"
	"github.com/d1check/d1check/d1"
	"github.com/d1check/d1check/emulator"
	"github.com/d1check/d1check/history"
	"github.com/d1check/d1check/nemesis"
	"github.com/d1check/d1check/runner"
	"github.com/d1check/d1check/sim"
)

// Fresh is one run on an embedded emulator of its own, recorded in memory
// and checked: the selftest's unit, run thousands of times, so it writes
// nothing to disk. It says more than a scenario can (planted bugs, every
// client in one region) and is not a scenario for that reason.
type Fresh struct {
	// Emulator is the emulator the run gets to itself: seed, lag, planted
	// bugs. Its Hooks are wrapped by the faults'. Its Clock, when nil, is a
	// scheduler seeded with Runner.Seed: a fresh run is on simulated time,
	// so its verdict never depends on the machine's load.
	Emulator emulator.Config
	// Region, when set, serves every client from this region, so a bug
	// planted in one replica meets every client, not a sixth of them.
	Region string
	// Runner is the traffic. Target and History are the run's own, and
	// set here.
	Runner runner.Config
	// Faults act on the emulator, server-side only, while the clients run
	// (and are recorded as nemesis events); none of them may need the
	// runner's client-side seam, so drop-bookmark is refused.
	Faults []nemesis.Fault
	// Check bounds the checker.
	Check checker.Options
}

// RunFresh runs f and checks the history re-read from the bytes written,
// as `d1check check` would read the file: what is checked is what a user
// would get. A *ConfigError means f is malformed; any other error is a
// failure of the emulator, the recording or the checker.
func RunFresh(ctx context.Context, f Fresh) (*history.History, *checker.Result, error) {
	if f.Emulator.Clock == nil {
		f.Emulator.Clock = sim.NewScheduler(f.Runner.Seed)
	}
	clock := f.Emulator.Clock
	var nem *nemesis.Nemesis
	if len(f.Faults) > 0 {
		var err error
		if nem, err = nemesis.New(f.Faults, nemesis.Options{Target: "emulator", Emulated: true, Clock: clock}); err != nil {
			return nil, nil, &ConfigError{err}
		}
		f.Emulator.Hooks = nem.Hooks(f.Emulator.Hooks)
	}
	emu, err := emulator.New(f.Emulator)
	if err != nil {
		return nil, nil, &ConfigError{err}
	}
	defer emu.Close()
	cfg := f.Runner
	cfg.Target, cfg.Clock = emu.Database, clock
	if region := f.Region; region != "" {
		cfg.Target = func(string) (*d1.Database, error) { return emu.Database(region) }
	}
	var buf bytes.Buffer
	hw, err := history.NewWriter(&buf, history.Header{Target: "emulator", Seed: cfg.Seed, StartedAt: clock.Now().UTC()})
	if err != nil {
		return nil, nil, err
	}
	cfg.History = hw
	_, err = traffic(ctx, cfg, fault{nem, emu})
	if err := errors.Join(err, hw.Close()); err != nil {
		return nil, nil, err
	}
	name := fmt.Sprintf("seed-%d.jsonl", cfg.Seed)
	h, err := history.Read(&buf, name)
	if err != nil {
		return nil, nil, err
	}
	res, err := checker.Check(h, f.Check)
	if err != nil {
		return nil, nil, fmt.Errorf("checking %s: %w", name, err)
	}
	return h, res, nil
}
