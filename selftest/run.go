package selftest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/d1check/d1check/checker"
	"github.com/d1check/d1check/d1"
	"github.com/d1check/d1check/emulator"
	"github.com/d1check/d1check/history"
	"github.com/d1check/d1check/nemesis"
	"github.com/d1check/d1check/runner"
)

// Defaults for Options.
const (
	DefaultSeeds    = 20
	DefaultOps      = 300
	DefaultClients  = 8
	DefaultParallel = 8
	// bugRegion is where lost-write and out-of-order strike.
	bugRegion = "WEUR"
	// bugEvery: every third commit is lost, or swapped with its successor.
	bugEvery = 2
)

// Options size the matrix. The zero value is the full matrix.
type Options struct {
	// Seeds per cell and control (DefaultSeeds), starting at FirstSeed (1).
	Seeds     int
	FirstSeed int64
	// Ops is every run's op bound (DefaultOps), over Clients clients
	// (DefaultClients).
	Ops     int
	Clients int
	// Parallel runs this many seeds at once (DefaultParallel). Runs spend
	// most of their time waiting on replication lag, not on CPU.
	Parallel int
	// Lag is every region's replication lag (default uniform 1–10 ms).
	Lag emulator.LagModel
	// Check bounds the checker (a porcupine timeout makes a cell miss
	// and a control alarm: unknown is never a pass).
	Check checker.Options
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
	err := errors.Join(def(&o.Seeds, DefaultSeeds, "seeds"), def(&o.Ops, DefaultOps, "ops"),
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
	total := len(m.Cells) + len(m.Controls)
	for i := range m.Cells {
		c := &m.Cells[i]
		outs, err := opts.seeds(ctx, spec{workload: c.Workload, variant: c.Variant, bookmarks: c.Bookmarks, bug: c.Bug, oneRegion: c.OneRegion})
		if err != nil {
			return m, fmt.Errorf("selftest: %s on %s/%s: %w", c.Bug, c.Workload, c.Variant, err)
		}
		score(c, outs, opts)
		if opts.Progress != nil {
			opts.Progress(i+1, total, c.Bug+" × "+c.Workload)
		}
	}
	for i := range m.Controls {
		c := &m.Controls[i]
		outs, err := opts.seeds(ctx, spec{workload: c.Workload, variant: c.Variant, bookmarks: c.Bookmarks, oneRegion: c.OneRegion, faults: c.Faults})
		if err != nil {
			return m, fmt.Errorf("selftest: control %s %s/%s: %w", c.Name, c.Workload, c.Variant, err)
		}
		judge(c, outs, opts)
		if opts.Progress != nil {
			opts.Progress(len(m.Cells)+i+1, total, c.Name+" "+c.Workload)
		}
	}
	return m, nil
}

// seeds runs s over every seed, Parallel at a time, and returns the
// outcomes in seed order.
func (o Options) seeds(ctx context.Context, s spec) ([]outcome, error) {
	outs := make([]outcome, o.Seeds)
	errs := make([]error, o.Seeds)
	sem := make(chan struct{}, o.Parallel)
	var wg sync.WaitGroup
	for i := range outs {
		if ctx.Err() != nil {
			errs[i] = ctx.Err()
			break
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			outs[i], errs[i] = o.once(ctx, s, o.FirstSeed+int64(i))
		}()
	}
	wg.Wait()
	return outs, errors.Join(errs...)
}

// once runs s with seed on a fresh emulator and checks the history,
// re-read from the bytes the runner wrote, as `d1check check` would.
func (o Options) once(ctx context.Context, s spec, seed int64) (outcome, error) {
	sub, ok := known[s.workload]
	if !ok {
		return outcome{}, fmt.Errorf("unknown workload %q", s.workload)
	}
	ecfg := emulator.Config{Seed: seed, DefaultLag: o.Lag, BugRegion: bugRegion, BugEvery: bugEvery}
	if s.bug != "" {
		ecfg.Bugs = []string{s.bug}
	}
	var nem *nemesis.Nemesis
	if s.faults {
		var err error
		if nem, err = nemesis.New(allFaults(), nemesis.Options{Target: "emulator"}); err != nil {
			return outcome{}, err
		}
		ecfg.Hooks = nem.Hooks(ecfg.Hooks)
	}
	emu, err := emulator.New(ecfg)
	if err != nil {
		return outcome{}, err
	}
	defer emu.Close()
	target := emu.Database
	if s.oneRegion {
		target = func(string) (*d1.Database, error) { return emu.Database(bugRegion) }
	}

	var buf bytes.Buffer
	watch := &phaseWatch{w: &buf}
	var nemErr error
	if nem != nil {
		var running *nemesis.Running
		discard := func(history.Event) error { return nil }
		watch.onFirst = func() { running = nem.Start(ctx, emu, discard) }
		watch.onFinal = func() {
			if running != nil {
				nemErr = running.Stop()
			}
		}
		defer func() {
			if running != nil && !watch.stopped {
				running.Stop()
			}
		}()
	}
	hw, err := history.NewWriter(watch, history.Header{Target: "emulator", Seed: seed, StartedAt: time.Now().UTC()})
	if err != nil {
		return outcome{}, err
	}
	_, err = runner.Run(ctx, runner.Config{
		Workload: sub.w, Target: target, Clients: o.Clients, Ops: o.Ops, Seed: seed, Keys: sub.keySpace(s.variant),
		Variants: []string{s.variant}, Bookmarks: s.bookmarks, History: hw,
	})
	if err = errors.Join(err, hw.Close(), nemErr); err != nil {
		return outcome{}, fmt.Errorf("seed %d: %w", seed, err)
	}
	h, err := history.Read(&buf, fmt.Sprintf("seed-%d.jsonl", seed))
	if err != nil {
		return outcome{}, fmt.Errorf("seed %d: %w", seed, err)
	}
	res, err := checker.Check(h, o.Check)
	if err != nil {
		return outcome{}, fmt.Errorf("seed %d: %w", seed, err)
	}
	return outcome{h: h, res: res}, nil
}

// phaseWatch passes a history through and notices, from the lines
// themselves, when the clients start (the first event after the header:
// the schema is set up by then) and when they are done (the first final
// read's invoke, written before that read runs). The nemesis runs between
// the two, so faults never hit the schema set-up or the final reads. It
// stands in for a runner seam (start and clients-done callbacks) that the
// runner does not have yet.
//
// The history writer flushes one whole event per Write, so a final read's
// invoke arrives in one piece.
type phaseWatch struct {
	w                io.Writer
	newlines         int
	onFirst, onFinal func()
	started, stopped bool
}

var finalSession = []byte(`"session":"` + finalReads + `"`)

func (p *phaseWatch) Write(b []byte) (int, error) {
	if !p.started && p.newlines > 0 && len(b) > 0 {
		p.started = true
		if p.onFirst != nil {
			p.onFirst()
		}
	}
	if !p.stopped && p.onFinal != nil && bytes.Contains(b, finalSession) {
		p.stopped = true
		p.onFinal()
	}
	p.newlines += bytes.Count(b, []byte("\n"))
	return p.w.Write(b)
}
