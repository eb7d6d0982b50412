// Package runner drives a workload's traffic against a D1 target and
// records it: clients run concurrently, each single-threaded, spread over
// D1's regions; every op is an invoke before and a completion after, on one
// monotonic clock; at the end a dedicated process reads every touched key
// on the primary, for the invariant checks.
package runner

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/d1check/d1check/d1"
	"github.com/d1check/d1check/history"
	"github.com/d1check/d1check/sim"
	"github.com/d1check/d1check/workloads"
)

// Stats summarizes a run.
type Stats struct {
	Ops, OK, Fail, Info int // client ops by outcome (Ops = OK+Fail+Info)
	FinalReads          int
	Processes           int // process ids used (from Config.FirstProcess), the final-read process included
	Elapsed             time.Duration
}

// Run validates cfg, creates the schema, runs the clients and the final
// reads, and returns what happened. Cancelling ctx stops the clients
// promptly (an op in flight then completes as info or fail), and the final
// reads still run. An error means the run could not be set up or
// recorded; failed ops are not errors, they are in the history.
func Run(ctx context.Context, cfg Config) (st Stats, err error) {
	if err := cfg.Validate(); err != nil {
		return Stats{}, err
	}
	cfg.Clock = sim.Or(cfg.Clock)
	if serr := cfg.Clock.Run(ctx, func() { st, err = run(ctx, cfg) }); serr != nil {
		return st, fmt.Errorf("runner: %w", serr)
	}
	return st, err
}

// run is Run on cfg.Clock.
func run(ctx context.Context, cfg Config) (Stats, error) {
	clock := cfg.Clock
	dbs, err := databases(cfg)
	if err != nil {
		return Stats{}, err
	}
	primary := dbs[d1.Regions[0]]
	if err := setup(ctx, cfg, primary, dbs); err != nil {
		return Stats{}, err
	}

	began := clock.Now()
	rec := &recorder{w: cfg.History, start: began, ns: cfg.Namespace, clock: clock}
	if !cfg.Epoch.IsZero() {
		rec.start = cfg.Epoch
	}
	var deadline time.Time
	if cfg.Duration > 0 {
		deadline = began.Add(cfg.Duration)
	}
	runCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	pace := newPacer(clock, cfg.Clients, cfg.maxSkew())

	var procs atomic.Int64
	procs.Store(int64(cfg.FirstProcess + cfg.Clients))
	var stats counters
	clients := make([]*client, cfg.Clients)
	peers := map[string]int{}
	for i := range clients {
		v := cfg.Variants[i%len(cfg.Variants)]
		peers[v]++
	}
	for i := range clients {
		v := cfg.Variants[i%len(cfg.Variants)]
		clients[i] = &client{
			id: i, variant: v, db: dbs[region(i)], w: cfg.Workload,
			gen: cfg.Workload.Generator(workloads.GenConfig{
				Seed: cfg.Seed, Client: i, Variant: v, Peer: i / len(cfg.Variants), Peers: peers[v], Keys: cfg.Keys,
			}),
			limit: cfg.opsFor(i), deadline: deadline, carry: cfg.Bookmarks == BookmarksCarry, clock: clock,
			rec: rec, pace: pace, procs: &procs, stats: &stats, proc: cfg.FirstProcess + i,
			seen: keySet{w: cfg.Workload}, region: region(i), faults: cfg.ClientFaults,
		}
	}
	if cfg.OnStart != nil {
		cfg.OnStart(rec.now)
	}
	stopProgress := reportProgress(cfg.Progress, &stats, cfg.Ops)
	wg := sim.NewGroup(clock)
	for _, c := range clients {
		wg.Go(fmt.Sprintf("client %d", c.id), func() {
			if err := c.run(runCtx); err != nil {
				cancel(err)
			}
		})
	}
	wg.Wait()
	stopProgress()
	if cfg.OnStart != nil && cfg.ClientsDone != nil {
		cfg.ClientsDone()
	}
	if err := context.Cause(runCtx); err != nil && !errors.Is(err, ctx.Err()) {
		return Stats{}, err // a recording failure
	}

	st := Stats{OK: int(stats.ok.Load()), Fail: int(stats.fail.Load()), Info: int(stats.info.Load())}
	st.Ops = st.OK + st.Fail + st.Info
	// The final reads run even when ctx was cancelled: a stopped soak run
	// still gets its invariant checks.
	n, err := finalReads(context.WithoutCancel(ctx), cfg, rec, primary, clients, int(procs.Add(1)-1))
	st.FinalReads = n
	st.Processes = int(procs.Load()) - cfg.FirstProcess
	st.Elapsed = clock.Now().Sub(began)
	return st, err
}

// FinalSession is the session id of the final reads (after
// Config.Namespace).
const FinalSession = "final"

// region spreads clients round-robin over D1's regions, so clients of one
// variant read different replicas and cross-region staleness happens.
func region(client int) string { return d1.Regions[client%len(d1.Regions)] }

// databases asks the target once per region in use.
func databases(cfg Config) (map[string]*d1.Database, error) {
	dbs := map[string]*d1.Database{}
	for i := 0; i < max(cfg.Clients, 1) && len(dbs) < len(d1.Regions); i++ {
		r := region(i)
		db, err := cfg.Target(r)
		if err != nil {
			return nil, fmt.Errorf("runner: target for region %s: %w", r, err)
		}
		if db == nil {
			return nil, fmt.Errorf("runner: target for region %s returned no database", r)
		}
		dbs[r] = db
	}
	return dbs, nil
}

// setup creates the variants' tables on the primary, then waits until
// every region's replica has them: reading with the DDL's bookmark makes
// a replica catch up first, so the run does not start with "no such
// table" on a lagging replica.
func setup(ctx context.Context, cfg Config, primary *d1.Database, dbs map[string]*d1.Database) error {
	s := primary.WithSession(d1.FirstPrimary)
	for _, ddl := range freshSchema(cfg.Workload.Schema(cfg.Variants)) {
		if _, err := s.Prepare(ddl).Run(ctx); err != nil {
			return fmt.Errorf("runner: schema %q: %w", ddl, err)
		}
	}
	b, ok := s.Bookmark()
	if !ok {
		return nil
	}
	for _, r := range d1.Regions { // in order: a map's would differ per run
		db, ok := dbs[r]
		if !ok {
			continue
		}
		if _, err := db.WithSession(b).Prepare("SELECT 1").First(ctx); err != nil {
			return fmt.Errorf("runner: waiting for the schema to reach %s: %w", r, err)
		}
	}
	return nil
}

// finalReads reads every key the clients touched, on the primary, as ops
// of one dedicated process, in a deterministic order (client by client,
// keys in first-use order).
func finalReads(ctx context.Context, cfg Config, rec *recorder, primary *d1.Database, clients []*client, proc int) (int, error) {
	n := 0
	done := map[string]struct{}{}
	for _, c := range clients {
		for _, f := range c.seen.list {
			k := f.variant + "\x00" + f.op.F + "\x00" + f.op.Key
			if _, dup := done[k]; dup {
				continue
			}
			done[k] = struct{}{}
			val, err := workloads.Marshal(f.op.Value)
			if err != nil {
				return n, fmt.Errorf("runner: final read %s %s: %w", f.op.F, f.op.Key, err)
			}
			inv := history.Event{Type: history.Invoke, Process: proc, Session: rec.ns + FinalSession, Variant: f.variant, F: f.op.F, Key: rec.ns + f.op.Key, Value: val}
			if err := rec.append(inv); err != nil {
				return n, err
			}
			// Final reads are read-only: a failure is recorded as fail and
			// the checker treats the key's invariants as unknown.
			if _, err := execute(ctx, cfg.Workload, rec, &workloads.Env{DB: primary}, f.variant, f.op, inv); err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}
