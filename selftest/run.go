package selftest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/d1check/d1check/checker"
	"github.com/d1check/d1check/emulator"
	"github.com/d1check/d1check/harness"
	"github.com/d1check/d1check/history"
	"github.com/d1check/d1check/runner"
)

// Defaults for Options.
const (
	DefaultSeeds    = 20
	DefaultOps      = 400
	DefaultClients  = 8
	DefaultParallel = 32
	// bugRegion is where lost-write and out-of-order strike.
	bugRegion = "WEUR"
	// bugEvery: every second commit is lost, or swapped with its successor.
	bugEvery = 2
	// applyEvery is the replicas' least time between applies. Six
	// replicas applying every commit on its own spend most of a run's CPU
	// in SQLite's changeset applier, which prepares its statements anew
	// on every call; applying in rounds of a few milliseconds costs a
	// fraction of that, and only stretches the 1–10 ms lag a little.
	applyEvery = 4 * time.Millisecond
)

// Options size the matrix. The zero value is the full matrix.
type Options struct {
	// Seeds per cell and control (DefaultSeeds), starting at FirstSeed (1).
	Seeds     int
	FirstSeed int64
	// Ops, when set, is every run's op bound; by default each cell has
	// its own (Cell.Ops, DefaultOps for most) and each control that of
	// its cell. Runs have Clients clients (DefaultClients).
	Ops     int
	Clients int
	// Parallel runs this many runs at once, across seeds and rows
	// (DefaultParallel). Runs spend much of their time waiting on
	// replication lag, not on CPU.
	Parallel int
	// Lag is every region's replication lag (default uniform 1–10 ms).
	Lag emulator.LagModel
	// Check bounds the checker (a porcupine timeout makes a cell miss
	// and a control alarm: unknown is never a pass).
	Check checker.Options
	// Workloads, when set, keeps only the cells and controls of these
	// workloads: proof for the phases a team is about to gate.
	Workloads []string
	// Progress, when set, is called after each cell or control.
	Progress func(done, total int, what string)
}

func (o Options) withDefaults() (Options, error) {
	def := func(v *int, d int, name string) error {
		switch {
		case *v == 0:
			*v = d
		case *v < 0:
			return fmt.Errorf("selftest: %s is %d, want at least 1", name, *v)
		}
		return nil
	}
	if o.Ops < 0 {
		return o, fmt.Errorf("selftest: ops is %d, want at least 1", o.Ops)
	}
	err := errors.Join(def(&o.Seeds, DefaultSeeds, "seeds"),
		def(&o.Clients, DefaultClients, "clients"), def(&o.Parallel, DefaultParallel, "parallel"))
	if o.FirstSeed == 0 {
		o.FirstSeed = 1
	}
	if o.Lag == (emulator.LagModel{}) {
		o.Lag = emulator.Uniform(time.Millisecond, 10*time.Millisecond)
	}
	return o, err
}

// spec is one run's configuration, without its seed.
type spec struct {
	workload, variant, bookmarks string
	bug                          string
	oneRegion, faults            bool
	ops                          int
}

// outcome is one checked run.
type outcome struct {
	h   *history.History
	res *checker.Result
}

// Run runs the whole matrix. An error means a run could not be set up,
// recorded or checked (a broken harness), never a missed detection: that
// is a cell with Detected < Seeds.
func Run(ctx context.Context, opts Options) (Matrix, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return Matrix{}, err
	}
	m := Matrix{Cells: cells(), Uncovered: uncovered}
	m.Controls = controls(m.Cells)
	if len(opts.Workloads) > 0 {
		for _, w := range opts.Workloads {
			if _, ok := known[w]; !ok {
				return Matrix{}, fmt.Errorf("selftest: no cells for workload %q", w)
			}
		}
		keep := func(w string) bool { return !slices.Contains(opts.Workloads, w) }
		m.Cells = slices.DeleteFunc(m.Cells, func(c Cell) bool { return keep(c.Workload) })
		m.Controls = slices.DeleteFunc(m.Controls, func(c Control) bool { return keep(c.Workload) })
	}
	if opts.Ops > 0 {
		for i := range m.Cells {
			m.Cells[i].Ops = opts.Ops
		}
		for i := range m.Controls {
			m.Controls[i].Ops = opts.Ops
		}
	}
	var rs []row
	for i := range m.Cells {
		c := &m.Cells[i]
		rs = append(rs, row{
			spec: spec{workload: c.Workload, variant: c.Variant, bookmarks: c.Bookmarks, bug: c.Bug, oneRegion: c.OneRegion, ops: c.Ops},
			what: c.Bug + " × " + c.Workload, done: func(outs []outcome) { score(c, outs, opts) },
		})
	}
	for i := range m.Controls {
		c := &m.Controls[i]
		rs = append(rs, row{
			spec: spec{workload: c.Workload, variant: c.Variant, bookmarks: c.Bookmarks, oneRegion: c.OneRegion, faults: c.Faults, ops: c.Ops},
			what: c.Name + " " + c.Workload + "/" + c.Variant, done: func(outs []outcome) { judge(c, outs, opts) },
		})
	}
	return m, opts.runAll(ctx, rs)
}

// row is one cell or control: its runs' configuration, a name for
// progress and errors, and what to do with its outcomes.
type row struct {
	spec
	what string
	done func([]outcome)
}

// runAll runs every seed of every row, Parallel runs at a time across
// rows: a run spends much of its time waiting on replication lag, and a
// row would otherwise wait for its slowest seed while the CPU idles. Each
// row is scored as soon as its last seed is in, and its outcomes dropped.
// The first error cancels everything still to run.
func (o Options) runAll(ctx context.Context, rows []row) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type job struct{ row, seed int }
	jobs := make(chan job)
	outs := make([][]outcome, len(rows))
	left := make([]int, len(rows))
	for i := range rows {
		outs[i], left[i] = make([]outcome, o.Seeds), o.Seeds
	}
	var (
		mu       sync.Mutex // guards outs, left, finished and errs
		finished int
		errs     []error
		wg       sync.WaitGroup
	)
	for w := 0; w < o.Parallel; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				r := &rows[j.row]
				out, err := o.once(ctx, r.spec, o.FirstSeed+int64(j.seed))
				mu.Lock()
				if err != nil {
					errs = append(errs, fmt.Errorf("selftest: %s: %w", r.what, err))
					cancel()
				}
				outs[j.row][j.seed] = out
				if left[j.row]--; left[j.row] == 0 && err == nil && ctx.Err() == nil {
					r.done(outs[j.row])
					outs[j.row] = nil
					finished++
					if o.Progress != nil {
						o.Progress(finished, len(rows), r.what)
					}
				}
				mu.Unlock()
			}
		}()
	}
feed:
	for i := range rows {
		for seed := 0; seed < o.Seeds; seed++ {
			select {
			case jobs <- job{i, seed}:
			case <-ctx.Done():
				break feed
			}
		}
	}
	close(jobs)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	if finished < len(rows) {
		return fmt.Errorf("selftest: %d of %d rows not run: %w", len(rows)-finished, len(rows), context.Cause(ctx))
	}
	return nil
}

// once runs s with seed on a fresh emulator and checks the history,
// re-read from the bytes written, as `d1check check` would.
func (o Options) once(ctx context.Context, s spec, seed int64) (outcome, error) {
	sub, ok := known[s.workload]
	if !ok {
		return outcome{}, fmt.Errorf("unknown workload %q", s.workload)
	}
	f := harness.Fresh{
		Emulator: emulator.Config{Seed: seed, DefaultLag: o.Lag, ApplyEvery: applyEvery, BugRegion: bugRegion, BugEvery: bugEvery},
		Runner: runner.Config{
			Workload: sub.w, Clients: o.Clients, Ops: s.ops, Seed: seed, Keys: sub.keySpace(s.variant),
			Variants: []string{s.variant}, Bookmarks: s.bookmarks,
		},
		Check: o.Check,
	}
	if s.bug != "" {
		f.Emulator.Bugs = []string{s.bug}
	}
	if s.oneRegion {
		f.Region = bugRegion
	}
	if s.faults {
		f.Faults = allFaults()
	}
	h, res, err := harness.RunFresh(ctx, f)
	if err != nil {
		return outcome{}, fmt.Errorf("seed %d: %w", seed, err)
	}
	return outcome{h: h, res: res}, nil
}
