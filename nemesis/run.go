package nemesis

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/d1check/d1check/d1"
	"github.com/d1check/d1check/emulator"
	"github.com/d1check/d1check/history"
	"github.com/d1check/d1check/sim"
)

// Recorder receives each nemesis event (type nemesis, f the fault kind,
// value a Value) and stamps its time on the run's clock, for instance
// with history.Writer.AppendNow and the runner's clock: the nemesis has no
// clock of its own, so its events interleave correctly with the ops.
type Recorder func(history.Event) error

// Value is a nemesis event's value, e.g.
// {"fault":"pause-replication","region":"WEUR","phase":"start","for":3000000000}.
// Durations are nanoseconds, like every time in a history.
type Value struct {
	Fault  string        `json:"fault"`
	Region string        `json:"region,omitempty"` // "" = every region (or the primary)
	Phase  string        `json:"phase"`            // "start" or "end"
	For    time.Duration `json:"for,omitempty"`
	Lag    time.Duration `json:"lag,omitempty"`
	Delay  time.Duration `json:"delay,omitempty"`
	// Snapshot is how many commits back a restart-replica went; From the
	// position each restarted replica restarted from.
	Snapshot int               `json:"snapshot,omitempty"`
	From     map[string]uint64 `json:"from,omitempty"`
	// Cut is set on an end the fault reached early because the run ended.
	Cut bool `json:"cut,omitempty"`
}

// Phases of a fault.
const (
	PhaseStart = "start"
	PhaseEnd   = "end"
)

// Run applies the schedule, timed from the moment it is called, to emu
// (nil when the target is not the emulator: then only client-side faults
// run, through the runner's seams). It returns when the schedule is done
// and no fault is left active, or when ctx ends; either way every fault it
// started has been repaired (replication resumed, hooks off) and its end
// recorded. A fault with For 0 lasts until ctx ends, so the caller must
// cancel ctx when the run's clients stop. An error is a fault that could
// not be applied or recorded: the run's target is then not what the
// scenario asked for.
func (n *Nemesis) Run(ctx context.Context, emu *emulator.Emulator, rec Recorder) (err error) {
	if rec == nil {
		return errors.New("nemesis: Run: nil recorder")
	}
	if emu == nil && n.opts.Emulated && len(n.faults) > 0 {
		return errors.New("nemesis: Run: the target is the emulator but no emulator was given")
	}
	a := &applier{n: n, emu: emu, rec: rec, started: make([]bool, len(n.faults)), ended: make([]bool, len(n.faults))}
	defer func() { err = errors.Join(err, a.repairAll()) }()
	clock := n.opts.Clock
	start := clock.Now()
	for _, st := range n.steps() {
		if clock.Sleep(ctx, start.Add(st.at).Sub(clock.Now())) != nil {
			return nil
		}
		if ctx.Err() != nil {
			return nil
		}
		if st.start {
			err = a.begin(st.fault)
		} else {
			err = a.end(st.fault, false)
		}
		if err != nil {
			return err
		}
	}
	if a.anyActive() {
		sim.WaitDone(clock, ctx)
	}
	return nil
}

// Running is a nemesis started by Start; its goroutine (or actor, on a
// simulated clock) is owned by Stop.
type Running struct {
	cancel context.CancelFunc
	group  *sim.Group
	err    error
}

// Start runs Run concurrently, on the nemesis's clock, until Stop.
func (n *Nemesis) Start(ctx context.Context, emu *emulator.Emulator, rec Recorder) *Running {
	ctx, cancel := context.WithCancel(ctx)
	r := &Running{cancel: cancel, group: sim.NewGroup(n.opts.Clock)}
	r.group.Go("nemesis", func() { r.err = n.Run(ctx, emu, rec) })
	return r
}

// Stop ends the schedule, waits until every active fault is repaired and
// returns Run's error. Call it once, when the clients have stopped.
func (r *Running) Stop() error {
	r.cancel()
	r.group.Wait()
	return r.err
}

// applier applies one Run's faults and remembers which are active.
type applier struct {
	n              *Nemesis
	emu            *emulator.Emulator
	rec            Recorder
	started, ended []bool
}

func (a *applier) anyActive() bool {
	for i := range a.started {
		if a.started[i] && !a.ended[i] {
			return true
		}
	}
	return false
}

// repairAll ends every active fault, marking its end as cut short.
func (a *applier) repairAll() error {
	var errs []error
	for i := range a.started {
		if a.started[i] && !a.ended[i] {
			errs = append(errs, a.end(i, true))
		}
	}
	return errors.Join(errs...)
}

func (a *applier) begin(i int) error {
	f := a.n.faults[i]
	v := value(f, PhaseStart)
	a.started[i] = true
	var err error
	switch f.Kind {
	case PauseReplication:
		err = a.eachRegion(f, a.emu.PauseReplication)
	case RestartReplica:
		v.From, err = a.restart(f)
	}
	a.n.state.set(i, true)
	if err != nil {
		return fmt.Errorf("nemesis: starting %s: %w", describe(f), err)
	}
	return a.record(v)
}

func (a *applier) end(i int, cut bool) error {
	f := a.n.faults[i]
	a.ended[i] = true
	a.n.state.set(i, false)
	var err error
	if f.Kind == PauseReplication {
		err = a.eachRegion(f, a.emu.ResumeReplication)
	}
	if err != nil {
		return fmt.Errorf("nemesis: ending %s: %w", describe(f), err)
	}
	v := value(f, PhaseEnd)
	v.Cut = cut
	return a.record(v)
}

// restart restarts each covered replica from Snapshot commits before its
// applied position (never before position 0), or from the oldest snapshot
// the emulator still keeps when that is newer: New refuses a Snapshot
// beyond the emulator's window, so this clamp only matters when another
// replica, restarted earlier, lags far behind this one. Value.From
// records where each replica really restarted.
func (a *applier) restart(f Fault) (map[string]uint64, error) {
	from := map[string]uint64{}
	applied := map[string]uint64{}
	for _, st := range a.emu.Status().Replicas {
		applied[st.Region] = st.Position
	}
	err := a.eachRegion(f, func(region string) error {
		pos := applied[region]
		want := pos - min(pos, uint64(f.Snapshot))
		// The checkpoint may move between OldestSnapshot and the restart;
		// it moves by less each time, so a few tries settle it.
		var err error
		for try := 0; try < 3; try++ {
			from[region] = max(want, min(a.emu.OldestSnapshot(), pos))
			if err = a.emu.RestartReplica(region, from[region]); !errors.Is(err, emulator.ErrSnapshotTrimmed) {
				break
			}
		}
		return err
	})
	return from, err
}

func (a *applier) eachRegion(f Fault, do func(region string) error) error {
	if f.Region != "" {
		return do(f.Region)
	}
	var errs []error
	for _, r := range d1.Regions {
		errs = append(errs, do(r))
	}
	return errors.Join(errs...)
}

func (a *applier) record(v Value) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if err := a.rec(history.Event{Type: history.Nemesis, F: v.Fault, Value: b}); err != nil {
		return fmt.Errorf("nemesis: recording %s %s: %w", v.Fault, v.Phase, err)
	}
	return nil
}

func value(f Fault, phase string) Value {
	return Value{Fault: f.Kind, Region: f.Region, Phase: phase, For: f.For, Lag: f.Lag, Delay: f.Delay, Snapshot: f.Snapshot}
}

func describe(f Fault) string {
	if f.Region == "" {
		return fmt.Sprintf("%s at %v", f.Kind, f.At)
	}
	return fmt.Sprintf("%s of %s at %v", f.Kind, f.Region, f.At)
}
