package harness

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strings"
	"time"

	"github.com/d1check/d1check/checker"
	"github.com/d1check/d1check/d1"
	"github.com/d1check/d1check/emulator"
	"github.com/d1check/d1check/history"
	"github.com/d1check/d1check/runner"
	"github.com/d1check/d1check/scenarios"
	"github.com/d1check/d1check/sim"
	"github.com/d1check/d1check/workloads"
)

// Series records scenarios one after another on ONE embedded emulator
// into ONE history file, and checks each run's events on their own as the
// run ends: what a soak is made of. The emulator's replication log,
// bookmarks and replicas live as long as the series.
//
// Each run is closed when it ends (its clients stop, its faults are
// repaired, its final reads run on the primary), so its events can be
// checked alone and then dropped, and the whole file is still one valid
// history that `d1check check` reads at once, with the same partitions
// and anomalies:
//   - before each run the series drops every table, so the run starts
//     from an empty database, and the run records its keys and session
//     ids under a namespace of its own: no partition spans two runs;
//   - every run shares one clock (runner.Config.Epoch) and one process-id
//     space (runner.Config.FirstProcess), so times never go backwards and
//     no process is reused;
//   - every run appends through one history.Writer, which flushes each
//     event: a killed process loses at most a partial last line.
//
// A run's events are read back from the file (the bytes it appended), not
// kept as they are written, so the only copy in memory is the one being
// checked. A Series is used by one goroutine.
type Series struct {
	emu     *emulator.Emulator
	hooks   hookSwitch
	primary *d1.Database
	dir     string          // the emulator's databases
	path    string          // the history
	file    *os.File        // the history, as written
	out     *countingWriter // counts file's bytes
	read    *os.File        // the history, for reading runs back
	hw      *history.Writer
	header  history.Header
	epoch   time.Time
	nextPID int
	clock   sim.Clock
}

// SeriesConfig is what a series is opened with.
type SeriesConfig struct {
	// Path is the history file, created.
	Path string
	// Emulator's target section configures the one emulator, and its seed
	// is the header's: every scenario of the series must have the same
	// target (see ValidateSeries).
	Emulator *scenarios.Scenario
	// Header is the header's scenario: what `d1check check` shows for the
	// whole file.
	Header any
	// Clock is the series' time; nil is the machine's (a soak's: memory
	// and disk over hours of wall time). A *sim.Scheduler runs every run
	// of the series on simulated time, as tests of the soak do.
	Clock sim.Clock
}

// OpenSeries starts the emulator and writes the history's header.
func OpenSeries(cfg SeriesConfig) (se *Series, err error) {
	hj, err := json.Marshal(cfg.Header)
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "d1check-series-")
	if err != nil {
		return nil, err
	}
	clock := sim.Or(cfg.Clock)
	se = &Series{dir: dir, path: cfg.Path, epoch: clock.Now(), clock: clock}
	defer func() {
		if err != nil {
			se.Close()
		}
	}()
	ecfg := EmulatorConfig(cfg.Emulator)
	ecfg.Dir, ecfg.Hooks, ecfg.Clock = dir, se.hooks.hooks(), clock
	if se.emu, err = emulator.New(ecfg); err != nil {
		return nil, &ConfigError{Err: fmt.Errorf("emulator: %w", err)}
	}
	if se.primary, err = se.emu.Database(d1.Regions[0]); err != nil { // plain requests go to the primary
		return nil, err
	}
	if se.file, err = os.Create(cfg.Path); err != nil {
		return nil, err
	}
	if se.read, err = os.Open(cfg.Path); err != nil {
		return nil, err
	}
	se.out = &countingWriter{w: se.file}
	se.header = history.Header{Scenario: hj, Target: "emulator", Seed: cfg.Emulator.Seed, StartedAt: clock.Now().UTC()}
	if se.hw, err = history.NewWriter(se.out, se.header); err != nil {
		return nil, err
	}
	se.header.D1check, se.header.Version = "history", history.Version
	return se, nil
}

// Header is the history's header, as written.
func (se *Series) Header() history.Header { return se.header }

// SeriesRun is what a run of a series adds to a scenario.
type SeriesRun struct {
	// Namespace prefixes the run's keys and sessions in the record; it
	// must differ from every other run's of the series ("w7/").
	Namespace string
	// Progress is as Options.Progress.
	Progress func(done, planned int)
	// Check bounds the check of the run's events.
	Check checker.Options
}

// Segment is one run of a series, checked.
type Segment struct {
	// Ran is false when ctx ended before the run recorded anything: the
	// run never happened, and the rest is empty.
	Ran    bool
	Stats  runner.Stats
	Events []history.Event
	Result *checker.Result
}

// Run empties the database and runs s as the series' next run, with its
// faults, and checks its events alone. Ending ctx stops the clients; the
// final reads still run and the run is checked like any other.
func (se *Series) Run(ctx context.Context, s *scenarios.Scenario, r SeriesRun) (Segment, error) {
	var err error
	if serr := se.clock.Run(ctx, func() { err = resetDatabase(context.WithoutCancel(ctx), se.primary) }); serr != nil || err != nil {
		return Segment{}, errors.Join(serr, err)
	}
	w, err := workloads.Lookup(s.Workload)
	if err != nil {
		return Segment{}, &ConfigError{err}
	}
	nem, err := newNemesis(s, se.clock)
	if err != nil {
		return Segment{}, err
	}
	if nem != nil {
		h := nem.Hooks(emulator.Hooks{})
		se.hooks.set(&h)
		defer se.hooks.set(nil)
	}
	cfg := runnerConfig(s, w, se.emu.Database, se.hw)
	cfg.Epoch, cfg.FirstProcess, cfg.Namespace, cfg.Progress, cfg.Clock = se.epoch, se.nextPID, r.Namespace, r.Progress, se.clock
	from, first := se.out.n, se.hw.Len()
	st, err := traffic(ctx, cfg, fault{nem, se.emu})
	if err != nil && ctx.Err() != nil && se.out.n == from {
		// Interrupted while setting the run up, before its first event.
		return Segment{}, nil
	}
	if err != nil {
		return Segment{}, err
	}
	se.nextPID += st.Processes
	var evs []history.Event
	err = history.ScanFrom(io.NewSectionReader(se.read, from, se.out.n-from), se.path, first, func(e history.Event) error {
		evs = append(evs, e)
		return nil
	})
	if err != nil {
		return Segment{}, fmt.Errorf("reading the run back: %w", err)
	}
	res, err := checker.Check(&history.History{Header: se.header, Events: evs}, r.Check)
	if err != nil {
		return Segment{}, fmt.Errorf("checking the run: %w", err)
	}
	return Segment{Ran: true, Stats: st, Events: evs, Result: res}, nil
}

// Close flushes the history and stops the emulator, removing its files.
func (se *Series) Close() error {
	var errs []error
	if se.hw != nil {
		errs = append(errs, se.hw.Close())
	}
	if se.file != nil {
		errs = append(errs, se.file.Close())
	}
	if se.read != nil {
		errs = append(errs, se.read.Close())
	}
	if se.emu != nil {
		errs = append(errs, se.emu.Close())
	}
	errs = append(errs, os.RemoveAll(se.dir))
	return errors.Join(errs...)
}

// ValidateSeries reports why each of ss cannot be a run of one series:
// every scenario must target the embedded emulator exactly as the first
// does, and be runnable bounded by time only, with faults that apply.
func ValidateSeries(ss []*scenarios.Scenario) error {
	var errs []error
	for _, s := range ss {
		if err := seriesScenario(s, ss[0]); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", s.File, err))
		}
	}
	return errors.Join(errs...)
}

func seriesScenario(s, first *scenarios.Scenario) error {
	if s.Target.Kind != scenarios.TargetEmulator {
		return fmt.Errorf("target %s: a soak runs on the embedded emulator only", s.Target.Kind)
	}
	if !reflect.DeepEqual(s.Target, first.Target) {
		return fmt.Errorf("its target differs from %s's: a soak runs every scenario on one emulator", first.File)
	}
	w, err := workloads.Lookup(s.Workload)
	if err != nil {
		return err
	}
	cfg := runnerConfig(s, w, func(string) (*d1.Database, error) { return nil, nil }, nil)
	cfg.Ops, cfg.Duration = 0, time.Second // a series' runs are bounded by time
	if err := cfg.Validate(); err != nil {
		return err
	}
	if _, err := newNemesis(s, nil); err != nil {
		return err
	}
	return nil
}

// countingWriter counts the bytes written through it, so the series knows
// where in the history file each run's events start.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// resetDatabase drops every table on the primary, so the next run starts
// from an empty database: its keys are recorded under a namespace of
// their own, and must be fresh entities in the database too. The runner
// creates the next scenario's tables and waits for every replica to have
// them before traffic starts.
func resetDatabase(ctx context.Context, primary *d1.Database) error {
	res, err := primary.Prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`).All(ctx)
	if err != nil {
		return fmt.Errorf("listing tables: %w", err)
	}
	for _, row := range res.Results {
		name, ok := row.String("name")
		if !ok {
			continue
		}
		if _, err := primary.Prepare(`DROP TABLE IF EXISTS "` + strings.ReplaceAll(name, `"`, `""`) + `"`).Run(ctx); err != nil {
			return fmt.Errorf("dropping table %s: %w", name, err)
		}
	}
	return nil
}
