package soak

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/d1check/d1check/checker"
	"github.com/d1check/d1check/harness"
	"github.com/d1check/d1check/history"
	"github.com/d1check/d1check/reports"
	"github.com/d1check/d1check/runner"
	"github.com/d1check/d1check/scenarios"
	"github.com/d1check/d1check/sim"
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
	h := Header{Name: "soak", Workload: "mix", Duration: cfg.Duration, Window: cfg.window(), Scenarios: cfg.Scenarios}
	if len(cfg.Scenarios) == 1 {
		h.Name, h.Workload = "soak-"+cfg.Scenarios[0].Name, cfg.Scenarios[0].Workload
	}
	cfg.Clock = sim.Or(cfg.Clock)
	series, err := harness.OpenSeries(harness.SeriesConfig{Path: cfg.HistoryPath, Emulator: cfg.Scenarios[0], Header: h, Clock: cfg.Clock})
	if err != nil {
		return nil, fmt.Errorf("soak: %w", err)
	}
	s := &session{cfg: cfg, series: series, tallies: map[string]*tally{}, res: &Result{HistoryPath: cfg.HistoryPath}}
	err = s.run(ctx)
	return s.res, errors.Join(err, series.Close())
}

// session is one soak in progress; it is used by Run's goroutine only
// (runner progress callbacks read nothing but atomics it does not touch).
type session struct {
	cfg     Config
	series  *harness.Series
	tallies map[string]*tally
	order   []*scenarios.Scenario // scenarios in first-run order
	res     *Result
}

func (s *session) run(ctx context.Context) error {
	clock := s.cfg.Clock
	start := clock.Now()
	defer func() { s.res.Elapsed = clock.Now().Sub(start) }()
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
		if err := s.window(ctx, w, sc, min(s.cfg.window(), left), start); err != nil {
			return err
		}
	}
	var err error
	s.res.Report, err = s.report(start)
	return err
}

// window runs and checks window w.
func (s *session) window(ctx context.Context, w int, sc *scenarios.Scenario, d time.Duration, start time.Time) error {
	ws := windowScenario(sc, w, d)
	r := harness.SeriesRun{Namespace: fmt.Sprintf("w%d/", w), Check: s.cfg.Check}
	if s.cfg.Progress != nil {
		before, anomalies := s.res.Ops, s.res.Anomalies
		r.Progress = func(done, _ int) {
			el := s.cfg.Clock.Now().Sub(start)
			ops := before + done
			s.cfg.Progress(Progress{Window: w, Scenario: ws.Name, Elapsed: el, Left: max(s.cfg.Duration-el, 0),
				Ops: ops, OpsPerSec: float64(ops) / el.Seconds(), Anomalies: anomalies})
		}
	}
	seg, err := s.series.Run(ctx, ws, r)
	if err != nil {
		return fmt.Errorf("soak: window %d (%s): %w", w, ws.Name, err)
	}
	if !seg.Ran {
		return nil // interrupted before it began: the soak ends with the windows that ran
	}
	s.count(sc, seg.Stats, seg.Result, seg.Events)
	if s.cfg.OnWindow != nil {
		s.cfg.OnWindow(Window{Index: w, Scenario: ws.Name, Stats: seg.Stats, Result: seg.Result, Anomalies: s.res.Anomalies})
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
func (s *session) report(start time.Time) (*reports.Report, error) {
	var runs []harness.Run
	for _, sc := range s.order {
		t := s.tallies[sc.File]
		if !s.cfg.Clock.Simulated() {
			c := *sc // a soak runs on real time, whatever the file says
			c.Target.Time = scenarios.TimeReal
			sc = &c
		}
		sj, _ := json.Marshal(sc) // it marshalled for the header already
		h := &history.History{Header: s.series.Header(), Events: t.digest}
		h.Header.Scenario = sj
		runs = append(runs, harness.Run{Scenario: sc, HistoryPath: s.res.HistoryPath, History: h, Result: t.result})
	}
	what := "d1check soak"
	if s.res.Interrupted {
		what += " (interrupted)"
	}
	title := fmt.Sprintf("%s: %d windows, %d ops (%d ok, %d fail, %d info) in %v; charts show faults and anomalous ops only",
		what, s.res.Windows, s.res.Ops, s.res.OK, s.res.Fail, s.res.Info, s.cfg.Clock.Now().Sub(start).Round(time.Second))
	return harness.Report(title, start, "", runs)
}
