package soak

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/d1check/d1check/checker"
	"github.com/d1check/d1check/d1"
	"github.com/d1check/d1check/emulator"
	"github.com/d1check/d1check/harness"
	"github.com/d1check/d1check/history"
	"github.com/d1check/d1check/reports"
	"github.com/d1check/d1check/runner"
	"github.com/d1check/d1check/scenarios"
	"github.com/d1check/d1check/sim"
	"github.com/d1check/d1check/workloads"
)

// Result is a finished (or interrupted) soak.
type Result struct {
	// Report has one run per scenario that ran at least one window, its
	// result merged over its windows; see the package doc.
	Report              *reports.Report
	HistoryPath         string
	Windows             int
	Ops, OK, Fail, Info int
	Anomalies           int // found, over every check and window
	Elapsed             time.Duration
	// Interrupted is true when ctx ended the soak before its duration.
	Interrupted bool
}

// Header is the history header's scenario for a soak: what `d1check
// check` shows for the whole file.
type Header struct {
	Name      string                `json:"name"`
	Workload  string                `json:"workload"`
	Duration  time.Duration         `json:"duration"`
	Window    time.Duration         `json:"window"`
	Scenarios []*scenarios.Scenario `json:"scenarios"`
}

// Run soaks cfg's scenarios until cfg.Duration has passed or ctx ends.
// Ending ctx stops the running window's clients; its final reads still
// run and it is checked like any other, so an interrupted soak reports
// everything it recorded. A *harness.ConfigError means nothing ran; any
// other error is a failure of the emulator, the disk or the checker, and
// the history up to it stays on disk.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "d1check-soak-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	cfg.Clock = sim.Or(cfg.Clock)
	var sw hookSwitch
	ecfg := harness.EmulatorConfig(cfg.Scenarios[0])
	ecfg.Dir, ecfg.Hooks, ecfg.Clock = dir, sw.hooks(), cfg.Clock
	emu, err := emulator.New(ecfg)
	if err != nil {
		return nil, &harness.ConfigError{Err: fmt.Errorf("soak: emulator: %w", err)}
	}
	defer emu.Close()

	file, err := os.Create(cfg.HistoryPath)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	rf, err := os.Open(cfg.HistoryPath)
	if err != nil {
		return nil, err
	}
	defer rf.Close()
	s := &session{cfg: cfg, emu: emu, hooks: &sw, file: rf, out: &countingWriter{w: file},
		tallies: map[string]*tally{}, res: &Result{HistoryPath: cfg.HistoryPath}}
	err = s.run(ctx)
	return s.res, errors.Join(err, file.Close())
}

// session is one soak in progress; it is used by Run's goroutine only
// (runner progress callbacks read nothing but atomics it does not touch).
type session struct {
	cfg     Config
	emu     *emulator.Emulator
	hooks   *hookSwitch
	file    *os.File        // the history, for reading windows back
	out     *countingWriter // the history, as written
	hw      *history.Writer
	header  history.Header
	tallies map[string]*tally
	order   []*scenarios.Scenario // scenarios in first-run order
	res     *Result
	nextPID int
}

func (s *session) run(ctx context.Context) error {
	h := Header{Name: "soak", Workload: "mix", Duration: s.cfg.Duration, Window: s.cfg.window(), Scenarios: s.cfg.Scenarios}
	if len(s.cfg.Scenarios) == 1 {
		h.Name, h.Workload = "soak-"+s.cfg.Scenarios[0].Name, s.cfg.Scenarios[0].Workload
	}
	hj, err := json.Marshal(h)
	if err != nil {
		return err
	}
	clock := s.cfg.Clock
	s.header = history.Header{Scenario: hj, Target: "emulator", Seed: s.cfg.Scenarios[0].Seed, StartedAt: clock.Now().UTC()}
	if s.hw, err = history.NewWriter(s.out, s.header); err != nil {
		return err
	}
	s.header.D1check, s.header.Version = "history", history.Version
	start := clock.Now()
	defer func() { s.res.Elapsed = clock.Now().Sub(start) }()
	primary, err := s.emu.Database(d1.Regions[0]) // plain requests go to the primary
	if err != nil {
		return err
	}
	for w := 0; ; w++ {
		left := s.cfg.Duration - clock.Now().Sub(start)
		if ctx.Err() != nil {
			s.res.Interrupted = true
			break
		}
		if left <= 0 {
			break
		}
		sc := s.cfg.Scenarios[w%len(s.cfg.Scenarios)]
		var err error
		if serr := clock.Run(ctx, func() { err = resetDatabase(context.WithoutCancel(ctx), primary) }); serr != nil || err != nil {
			return errors.Join(serr, err)
		}
		if err := s.window(ctx, w, sc, min(s.cfg.window(), left), start); err != nil {
			return err
		}
	}
	if err := s.hw.Close(); err != nil {
		return err
	}
	s.res.Report = s.report(start)
	return nil
}

// window runs, reads back and checks window w.
func (s *session) window(ctx context.Context, w int, sc *scenarios.Scenario, d time.Duration, start time.Time) error {
	ws := windowScenario(sc, w, d)
	wl, err := workloads.Lookup(ws.Workload)
	if err != nil {
		return err
	}
	nem, err := harness.NewNemesis(ws, s.cfg.Clock)
	if err != nil {
		return err
	}
	if nem != nil {
		h := nem.Hooks(emulator.Hooks{})
		s.hooks.set(&h)
		defer s.hooks.set(nil)
	}
	cfg := harness.RunnerConfig(ws, wl, s.emu.Database, s.hw)
	cfg.Epoch, cfg.FirstProcess, cfg.Namespace, cfg.Clock = start, s.nextPID, fmt.Sprintf("w%d/", w), s.cfg.Clock
	if s.cfg.Progress != nil {
		before, anomalies := s.res.Ops, s.res.Anomalies
		cfg.Progress = func(done, _ int) {
			el := s.cfg.Clock.Now().Sub(start)
			ops := before + done
			s.cfg.Progress(Progress{Window: w, Scenario: ws.Name, Elapsed: el, Left: max(s.cfg.Duration-el, 0),
				Ops: ops, OpsPerSec: float64(ops) / el.Seconds(), Anomalies: anomalies})
		}
	}
	faultErr := harness.WireFaults(ctx, &cfg, nem, s.emu, s.hw)
	from := s.out.n
	st, runErr := runner.Run(ctx, cfg)
	if runErr != nil && ctx.Err() != nil && s.out.n == from {
		// Interrupted while setting the window up, before its first
		// event: the window never ran, and the soak ends with the ones
		// that did.
		return faultErr()
	}
	if err := errors.Join(runErr, faultErr()); err != nil {
		return fmt.Errorf("soak: window %d (%s): %w", w, ws.Name, err)
	}
	s.nextPID += st.Processes
	evs, err := readWindow(s.file, from, s.out.n)
	if err != nil {
		return err
	}
	res, err := checker.Check(&history.History{Header: s.header, Events: evs}, s.cfg.Check)
	if err != nil {
		return fmt.Errorf("soak: checking window %d (%s): %w", w, ws.Name, err)
	}
	s.count(sc, st, res, evs)
	if s.cfg.OnWindow != nil {
		s.cfg.OnWindow(Window{Index: w, Scenario: ws.Name, Stats: st, Result: res, Anomalies: s.res.Anomalies})
	}
	return nil
}

// count adds a checked window to the soak's totals and its scenario's tally.
func (s *session) count(sc *scenarios.Scenario, st runner.Stats, res *checker.Result, evs []history.Event) {
	s.res.Windows++
	s.res.Ops += st.Ops
	s.res.OK += st.OK
	s.res.Fail += st.Fail
	s.res.Info += st.Info
	for _, c := range res.Checks {
		s.res.Anomalies += c.Anomalies
	}
	t := s.tallies[sc.File]
	if t == nil {
		t = &tally{}
		s.tallies[sc.File] = t
		s.order = append(s.order, sc)
	}
	maxVis := s.cfg.Check.MaxVisualizations
	if maxVis == 0 {
		maxVis = checker.DefaultMaxVisualizations
	}
	t.add(res, evs, s.cfg.maxAnomalies(), max(maxVis, 0))
}

// report is one run per scenario that ran, each with its merged result
// and its digest history.
func (s *session) report(start time.Time) *reports.Report {
	r := &reports.Report{
		Title: fmt.Sprintf("d1check soak: %d windows, %d ops (%d ok, %d fail, %d info) in %v; charts show faults and anomalous ops only",
			s.res.Windows, s.res.Ops, s.res.OK, s.res.Fail, s.res.Info, s.cfg.Clock.Now().Sub(start).Round(time.Second)),
		Started: start,
	}
	for _, sc := range s.order {
		t := s.tallies[sc.File]
		if !s.cfg.Clock.Simulated() {
			c := *sc // a soak runs on real time, whatever the file says
			c.Target.Time = scenarios.TimeReal
			sc = &c
		}
		sj, _ := json.Marshal(sc) // it marshalled for the header already
		h := &history.History{Header: s.header, Events: t.digest}
		h.Header.Scenario = sj
		r.Runs = append(r.Runs, reports.Run{Scenario: sc, HistoryPath: s.res.HistoryPath, History: h, Result: t.result})
	}
	return r
}
