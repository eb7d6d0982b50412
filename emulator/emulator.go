package emulator

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/d1check/d1check/d1"
)

// Emulator is a replicated D1: a primary and a replica in every region,
// each its own SQLite database. It is safe for concurrent use. It starts
// no goroutine of its own: replicas apply on timers of Config.Clock, and
// Close stops them and waits for any that is running.
type Emulator struct {
	cfg      Config
	primary  *instance
	replicas map[string]*replica
	log      *replLog
	ckpt     *checkpoint
	rtt      *roundTrip
	classes  sync.Map // SQL text -> stmtInfo, learnt on the primary

	// life is held (read) by every timer callback while it runs, and
	// (write) by Close, so that once Close has it no callback is running
	// or will do anything.
	life      sync.RWMutex
	closed    atomic.Bool
	closeOnce sync.Once
	closeErr  error

	ckptMu   sync.Mutex
	ckptNext time.Time // the checkpoint advances no sooner (checkpointEvery)
}

// errClosed is returned for requests made after Close.
var errClosed = &d1.TransportError{Op: "emulator", Err: errors.New("emulator closed")}

// New starts an emulator. A bad Config (unknown region, negative lag,
// p50 above p99, …) is an error naming the field.
func New(cfg Config) (*Emulator, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	pinAllocatorPages()
	e := &Emulator{cfg: cfg, log: newLog(), replicas: map[string]*replica{}, rtt: newRoundTrip(cfg.RoundTrip, cfg.Seed)}
	e.primary = &instance{name: "primary", region: cfg.PrimaryRegion, primary: true, servedBy: "emulator.primary", path: cfg.path("primary"), clock: cfg.Clock}
	if err := e.primary.open(); err != nil {
		return nil, err
	}
	e.ckpt = &checkpoint{instance: &instance{name: "checkpoint", region: cfg.PrimaryRegion, servedBy: "emulator.checkpoint", path: cfg.path("checkpoint"), clock: cfg.Clock},
		log: e.log, window: uint64(cfg.SnapshotWindow)}
	if err := e.ckpt.open(); err != nil {
		e.closeInstances()
		return nil, err
	}
	for i, region := range d1.Regions {
		name := "replica-" + region
		r := &replica{
			instance: &instance{name: name, region: region, servedBy: "emulator.replica." + region, path: cfg.path(name), clock: cfg.Clock},
			log:      e.log,
			ckpt:     e.ckpt,
			lag:      cfg.lagFor(region),
			hook:     cfg.Hooks.Lag,
			rng:      rand.New(rand.NewPCG(uint64(cfg.Seed), uint64(i))),
			every:    cfg.ApplyEvery,
			advanced: cfg.Clock.NewCond(),
		}
		r.fire = func(gen uint64) { e.fireReplica(r, gen) }
		if region == cfg.BugRegion {
			r.bugs = replicaBugs{lose: cfg.bugs.lostWrite, swap: cfg.bugs.outOfOrder, every: uint64(cfg.BugEvery)}
		}
		if err := r.open(); err != nil {
			e.closeInstances()
			return nil, err
		}
		e.replicas[region] = r
	}
	return e, nil
}

// Close stops replication and closes every database. It is idempotent;
// requests made after it fail with a *d1.TransportError, and requests
// waiting on a bookmark are woken to fail so.
func (e *Emulator) Close() error {
	e.closeOnce.Do(func() {
		e.life.Lock()
		e.closed.Store(true)
		e.life.Unlock()
		for _, region := range d1.Regions {
			r := e.replicas[region]
			r.mu.Lock()
			r.disarm()
			r.mu.Unlock()
		}
		e.closeErr = e.closeInstances()
		for _, region := range d1.Regions {
			e.replicas[region].advanced.Broadcast()
		}
	})
	return e.closeErr
}

// fireReplica is r's apply timer: it applies what is due, sets the next
// timer, and lets the checkpoint follow.
func (e *Emulator) fireReplica(r *replica, gen uint64) {
	e.life.RLock()
	defer e.life.RUnlock()
	if e.closed.Load() {
		return
	}
	now := e.cfg.Clock.Now()
	r.mu.Lock()
	if gen == r.timerGen {
		// Before reading the log: a commit that finds armed still set
		// has appended before this apply looks (see committed).
		r.timer = nil
		r.armed.Store(false)
	}
	applied := r.applyDue(now)
	r.reschedule(now)
	r.mu.Unlock()
	if applied {
		e.maybeCheckpoint(now)
	}
}

// committed tells every replica that the log grew. The caller holds the
// primary's lock, so replicas hear of commits in commit order. A replica
// with an apply pending is left alone: that apply reads the log after the
// append and plans the next one from there.
func (e *Emulator) committed(now time.Time) {
	for _, region := range d1.Regions {
		r := e.replicas[region]
		if r.armed.Load() {
			continue
		}
		r.mu.Lock()
		r.reschedule(now)
		r.mu.Unlock()
	}
}

func (e *Emulator) closeInstances() error {
	var errs []error
	for _, in := range e.instances() {
		in.mu.Lock()
		errs = append(errs, in.close())
		in.mu.Unlock()
	}
	return errors.Join(errs...)
}

// instances lists the primary, the replicas in d1.Regions order and the
// checkpoint: every database the emulator opened.
func (e *Emulator) instances() []*instance {
	all := []*instance{e.primary}
	for _, region := range d1.Regions {
		if r := e.replicas[region]; r != nil {
			all = append(all, r.instance)
		}
	}
	if e.ckpt != nil {
		all = append(all, e.ckpt.instance)
	}
	return all
}

// Database returns env.DB for a client located in region ("" = the
// primary's region): its sessions read from that region's replica.
func (e *Emulator) Database(region string) (*d1.Database, error) {
	t, err := e.Transport(region)
	if err != nil {
		return nil, err
	}
	return d1.New(t), nil
}

// Transport returns the d1.Transport of a client located in region
// ("" = the primary's region).
func (e *Emulator) Transport(region string) (d1.Transport, error) {
	if region == "" {
		region = e.cfg.PrimaryRegion
	}
	if !d1.ValidRegion(region) {
		return nil, fmt.Errorf("emulator: client region %q: %w", region, errUnknownRegion)
	}
	return &transport{e: e, region: region}, nil
}

// Status is a snapshot of replication, for tests and GET /status.
type Status struct {
	Primary  InstanceStatus
	Replicas []InstanceStatus // in d1.Regions order
}

// InstanceStatus is one instance's state.
type InstanceStatus struct {
	Name     string `json:"name"` // "emulator.primary", "emulator.replica.WEUR"
	Region   string `json:"region"`
	Primary  bool   `json:"primary"`
	Position uint64 `json:"position"` // commit position (primary) or applied position (replica)
	Bookmark string `json:"bookmark"` // Position as a bookmark
	Lag      string `json:"lag,omitempty"`
	Paused   bool   `json:"paused,omitempty"`
	Error    string `json:"error,omitempty"` // why a replica stopped applying
}

// Status reports each instance's position.
func (e *Emulator) Status() Status {
	var s Status
	p := e.primary
	p.mu.Lock()
	s.Primary = InstanceStatus{Name: p.servedBy, Region: p.region, Primary: true, Position: p.pos, Bookmark: d1.NewBookmark(p.pos)}
	p.mu.Unlock()
	for _, region := range d1.Regions {
		r := e.replicas[region]
		r.mu.Lock()
		st := InstanceStatus{Name: r.servedBy, Region: region, Position: r.pos, Bookmark: d1.NewBookmark(r.pos), Lag: r.lag.String(), Paused: r.paused}
		if r.broken != nil {
			st.Error = r.broken.Error()
		}
		r.mu.Unlock()
		s.Replicas = append(s.Replicas, st)
	}
	return s
}

func (e *Emulator) replica(region string) (*replica, error) {
	r, ok := e.replicas[region]
	if !ok {
		return nil, fmt.Errorf("emulator: region %q: %w", region, errUnknownRegion)
	}
	return r, nil
}

// PauseReplication stops region's replica applying the log; commits queue
// until ResumeReplication. Reads it serves stay at its position.
func (e *Emulator) PauseReplication(region string) error {
	return e.control(region, func(r *replica) error { r.paused = true; return nil })
}

// ResumeReplication lets region's replica apply again; entries whose lag
// has passed apply at once.
func (e *Emulator) ResumeReplication(region string) error {
	return e.control(region, func(r *replica) error { r.paused = false; return nil })
}

// RestartReplica restarts region's replica from the snapshot at
// fromPosition (at most what it has applied): its database is replaced by
// the state at that position and it catches up through the log, each entry
// after its lag. Reads it serves in between see the older state, as after
// a real replica restart; bookmarked reads wait as usual.
//
// Snapshots are kept for Config.SnapshotWindow commits behind the slowest
// replica: a position older than OldestSnapshot fails with
// ErrSnapshotTrimmed and leaves the replica as it was.
func (e *Emulator) RestartReplica(region string, fromPosition uint64) error {
	return e.control(region, func(r *replica) error { return r.restart(fromPosition) })
}

// SetLag changes region's lag model for commits whose lag is not yet
// drawn (a lag spike, or a test that builds its schema before turning lag
// on).
func (e *Emulator) SetLag(region string, m LagModel) error {
	if err := m.Validate(); err != nil {
		return fmt.Errorf("emulator: region %s: %w", region, err)
	}
	return e.control(region, func(r *replica) error { r.lag = m; return nil })
}

func (e *Emulator) control(region string, f func(*replica) error) error {
	if e.closed.Load() {
		return errClosed
	}
	r, err := e.replica(region)
	if err != nil {
		return err
	}
	r.mu.Lock()
	err = f(r)
	r.reschedule(e.cfg.Clock.Now())
	r.mu.Unlock()
	return err
}

// WaitReplicated waits until every unpaused replica has applied every
// commit made before the call, or ctx ends. A replica that stopped on an
// error makes it fail.
func (e *Emulator) WaitReplicated(ctx context.Context) error {
	e.primary.mu.Lock()
	target := e.primary.pos
	e.primary.mu.Unlock()
	for _, region := range d1.Regions {
		r := e.replicas[region]
		for {
			r.mu.Lock()
			done, broken, closed, mark := r.paused || r.pos >= target, r.broken, r.conn == nil, r.advanced.Mark()
			r.mu.Unlock()
			switch {
			case broken != nil:
				return broken
			case closed:
				return errClosed
			case done:
			default:
				if err := r.advanced.Wait(ctx, mark, 0); err != nil {
					return fmt.Errorf("emulator: waiting for %s to reach %s: %w", region, d1.NewBookmark(target), err)
				}
				continue
			}
			break
		}
	}
	return nil
}
