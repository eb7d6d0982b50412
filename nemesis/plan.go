package nemesis

import (
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/d1check/d1check/d1"
	"github.com/d1check/d1check/emulator"
	"github.com/d1check/d1check/sim"
)

// Fault is one scheduled fault: Kind starts At into the run and lasts For
// (0: until the run's clients stop; restart-replica is instantaneous).
// Region "" means every region, or the primary.
type Fault struct {
	At     time.Duration
	Kind   string
	Region string
	For    time.Duration
	// Lag is the lag during a lag-spike; Delay the added latency of a
	// slow-primary; Snapshot how many commits back a restart-replica goes.
	Lag      time.Duration
	Delay    time.Duration
	Snapshot int
}

// Fault kinds, as scenario files spell them.
const (
	PauseReplication = "pause-replication"
	LagSpike         = "lag-spike"
	RestartReplica   = "restart-replica"
	SlowPrimary      = "slow-primary"
	RequestTimeout   = "request-timeout"
	DropBookmark     = "drop-bookmark"
)

// Kinds are every fault kind, in the order they are documented.
var Kinds = []string{PauseReplication, LagSpike, RestartReplica, SlowPrimary, RequestTimeout, DropBookmark}

// clientSide are the faults a runner applies on the client's side of the
// wire, so they work on any target whose runner supports them.
var clientSide = map[string]bool{RequestTimeout: true, DropBookmark: true}

// Options say what the faults will run against.
type Options struct {
	// Target names the target in messages (a scenario's target kind).
	Target string
	// Emulated says the target's database is d1check's own emulator
	// (targets emulator and workerd): only it can be made to pause, lag,
	// restart or slow itself, and lose answers server-side.
	Emulated bool
	// ClientFaults says the runner consults Nemesis.DropBookmark and
	// Nemesis.RequestDeadline before each op. Without it, drop-bookmark is
	// refused everywhere and request-timeout everywhere but the emulator,
	// which loses answers server-side (Hooks.AfterRequest) instead.
	ClientFaults bool
	// Clock times the schedule and a slow primary's delay; nil is the
	// machine's clock. A simulated run gives the emulator's and runner's
	// Scheduler.
	Clock sim.Clock
}

// Nemesis is a validated fault schedule. Build it with New, install Hooks
// in the emulator's Config before emulator.New, then Run (or Start) it for
// the length of the run.
type Nemesis struct {
	faults []Fault
	opts   Options
	state  *state
}

// New validates faults against opts. Every problem is reported, each
// naming its fault as faults[i], before anything runs.
func New(faults []Fault, opts Options) (*Nemesis, error) {
	var errs []error
	if opts.Target == "" {
		errs = append(errs, errors.New("no target"))
	}
	for i, f := range faults {
		if err := check(f, opts); err != nil {
			errs = append(errs, fmt.Errorf("faults[%d] (%s at %v): %w", i, f.Kind, f.At, err))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("nemesis: %w", err)
	}
	opts.Clock = sim.Or(opts.Clock)
	st := newState(faults)
	st.clock = opts.Clock
	return &Nemesis{faults: append([]Fault(nil), faults...), opts: opts, state: st}, nil
}

// ClientSide reports whether the runner must consult n before each op
// (Options.ClientFaults): only then may it be a runner's ClientFaults.
func (n *Nemesis) ClientSide() bool { return n.opts.ClientFaults }

// check reports why f cannot run on the target, or is malformed.
func check(f Fault, opts Options) error {
	switch f.Kind {
	case PauseReplication, RestartReplica:
	case LagSpike:
		if f.Lag <= 0 {
			return errors.New("lag-spike needs a positive lag")
		}
	case SlowPrimary:
		if f.Delay <= 0 {
			return errors.New("slow-primary needs a positive delay")
		}
	case RequestTimeout, DropBookmark:
	default:
		return fmt.Errorf("unknown fault kind (known: %v)", Kinds)
	}
	switch {
	case f.At < 0 || f.For < 0 || f.Lag < 0 || f.Delay < 0:
		return errors.New("negative duration")
	case f.Snapshot < 0:
		return errors.New("negative snapshot")
	case f.Snapshot > emulator.DefaultSnapshotWindow:
		return fmt.Errorf("snapshot %d: the emulator keeps snapshots for the last %d commits of each replica", f.Snapshot, emulator.DefaultSnapshotWindow)
	case f.Region != "" && !d1.ValidRegion(f.Region):
		return fmt.Errorf("unknown region %q (want one of %v)", f.Region, d1.Regions)
	case f.Kind == DropBookmark && !opts.ClientFaults:
		return errors.New("drop-bookmark is applied by the runner between a client's requests, and this runner does not support client faults")
	case !opts.Emulated && !clientSide[f.Kind]:
		return fmt.Errorf("target %s cannot be made to %s: only d1check's own emulator can (client-side faults, request-timeout and drop-bookmark, work on any target)", opts.Target, f.Kind)
	case !opts.Emulated && f.Kind == RequestTimeout && !opts.ClientFaults:
		return fmt.Errorf("request-timeout on target %s needs a runner that gives ops a deadline, and this runner does not support client faults", opts.Target)
	}
	return nil
}

// step is one boundary of the schedule: fault i starts or ends.
type step struct {
	at    time.Duration
	fault int
	start bool
}

// steps orders every boundary in time (starts before ends at the same
// instant only for different faults; a fault's own end follows its
// start). A fault with For 0 lasts until the run ends, except
// restart-replica, which is instantaneous.
func (n *Nemesis) steps() []step {
	var out []step
	for i, f := range n.faults {
		out = append(out, step{at: f.At, fault: i, start: true})
		switch {
		case f.Kind == RestartReplica:
			out = append(out, step{at: f.At, fault: i})
		case f.For > 0:
			out = append(out, step{at: f.At + f.For, fault: i})
		}
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].at < out[b].at })
	return out
}
