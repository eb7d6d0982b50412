package harness

import (
	"context"
	"fmt"
	"sync"

	"github.com/d1check/d1check/emulator"
	"github.com/d1check/d1check/history"
	"github.com/d1check/d1check/nemesis"
	"github.com/d1check/d1check/runner"
	"github.com/d1check/d1check/scenarios"
	"github.com/d1check/d1check/sim"
)

// newNemesis validates s's faults against its target, before anything
// runs: a fault the target cannot suffer (pausing replication on workerd)
// is a *ConfigError naming the file and faults[i]. It returns nil for a
// scenario without faults, so runs without faults have no hooks at all.
// The runner applies client-side faults, so they work on every target.
func newNemesis(s *scenarios.Scenario, clock sim.Clock) (*nemesis.Nemesis, error) {
	if len(s.Faults) == 0 {
		return nil, nil
	}
	n, err := nemesis.New(nemesisFaults(s.Faults), nemesis.Options{Target: s.Target.Kind, Emulated: scenarios.Emulated(s.Target.Kind), ClientFaults: true, Clock: clock})
	if err != nil {
		return nil, &ConfigError{fmt.Errorf("%s: %w", s.File, err)}
	}
	return n, nil
}

// nemesisFaults is a scenario's fault schedule as the nemesis takes it.
func nemesisFaults(fs []scenarios.Fault) []nemesis.Fault {
	out := make([]nemesis.Fault, len(fs))
	for i, f := range fs {
		out[i] = nemesis.Fault{At: f.At, Kind: f.Kind, Region: f.Region, For: f.For, Lag: f.Lag, Delay: f.Delay, Snapshot: f.Snapshot}
	}
	return out
}

// wireFaults makes n act during cfg's run: its schedule starts when the
// runner's traffic does (OnStart), recording each fault's start and end
// through hw on the run's clock, and stops, repairing every active fault,
// when the clients stop (ClientsDone), so no fault touches the final
// reads. The runner asks n for client-side faults before each op when n
// was built for them (nemesis.Options.ClientFaults). emu is
// the embedded emulator, nil for other targets. The returned function
// reports the nemesis's error once the run is over: a fault that could not
// be applied or recorded means the run was not the one the scenario asked
// for. A nil n leaves cfg alone.
func wireFaults(ctx context.Context, cfg *runner.Config, n *nemesis.Nemesis, emu *emulator.Emulator, hw *history.Writer) (result func() error) {
	if n == nil {
		return func() error { return nil }
	}
	var (
		mu      sync.Mutex
		running *nemesis.Running
		err     error
	)
	if n.ClientSide() {
		cfg.ClientFaults = n
	}
	cfg.OnStart = func(now func() int64) {
		mu.Lock()
		defer mu.Unlock()
		running = n.Start(ctx, emu, func(e history.Event) error {
			_, err := hw.AppendNow(e, now)
			return err
		})
	}
	cfg.ClientsDone = func() {
		mu.Lock()
		defer mu.Unlock()
		if running != nil {
			err = running.Stop()
			running = nil
		}
	}
	return func() error {
		cfg.ClientsDone() // a run that failed before its clients stopped
		mu.Lock()
		defer mu.Unlock()
		return err
	}
}
