package harness

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/d1check/d1check/d1"
	"github.com/d1check/d1check/emulator"
	"github.com/d1check/d1check/emulator/server"
	"github.com/d1check/d1check/history"
	"github.com/d1check/d1check/runner"
	"github.com/d1check/d1check/scenarios"
	"github.com/d1check/d1check/targets/app"
	"github.com/d1check/d1check/workloads"
	"github.com/d1check/d1check/workloads/webapp"
)

// target is an opened target: the database the runner talks to (for an
// app target, the emulator under the app: the runner's setup and final
// reads), and for an app target the running app.
type target struct {
	db    runner.Target
	emu   *emulator.Emulator
	app   *app.App
	web   *webapp.Workload
	close func() error
}

// openTarget opens the scenario's target; an app target starts the
// project on workerd over an emulator with the nemesis's hooks.
func openTarget(ctx context.Context, s *scenarios.Scenario, hooks emulator.Hooks, opts Options) (*target, error) {
	if s.Target.Kind != scenarios.TargetApp {
		db, emu, closeDB, err := openDatabase(ctx, s, hooks, opts)
		if err != nil {
			return nil, err
		}
		return &target{db: db, emu: emu, close: closeDB}, nil
	}
	cfg := EmulatorConfig(s)
	cfg.Hooks = hooks
	a, err := app.Start(ctx, app.Options{Dir: s.Target.Dir, Emulator: cfg, Workerd: opts.Workerd, Trace: opts.Trace, Log: appLog})
	if err != nil {
		var ce *app.ConfigError
		if errors.As(err, &ce) {
			return nil, &ConfigError{fmt.Errorf("%s: %w", s.File, err)}
		}
		return nil, &TargetError{fmt.Errorf("%s: target: %w", s.File, err)}
	}
	return &target{db: a.Emu.Database, emu: a.Emu, app: a, close: func() error {
		if err := a.Close(); err != nil {
			return &TargetError{fmt.Errorf("stopping the app: %w", err)}
		}
		return nil
	}}, nil
}

// appLog reports what the app target did; the CLI's stderr.
var appLog = func(line string) { fmt.Fprintln(os.Stderr, line) }

// workload is the scenario's workload: a registered Go workload, or the
// declared HTTP traffic against the app.
func (t *target) workload(s *scenarios.Scenario) (workloads.Workload, error) {
	if s.Workload != scenarios.HTTPWorkload {
		w, err := workloads.Lookup(s.Workload)
		if err != nil {
			return nil, &ConfigError{err}
		}
		return w, nil
	}
	if t.app == nil || s.HTTP == nil {
		return nil, &ConfigError{fmt.Errorf("%s: an http workload needs an app target", s.File)}
	}
	w, err := webapp.New(*s.HTTP, t.app.URL)
	if err != nil {
		return nil, &ConfigError{fmt.Errorf("%s: %w", s.File, err)}
	}
	t.web = w
	prev := t.close
	t.close = func() error { w.Close(); return prev() }
	return w, nil
}

// setup sends an http workload's setup requests.
func (t *target) setup(ctx context.Context) error {
	if t.web == nil {
		return nil
	}
	if err := t.web.Setup(ctx, d1.Regions[0]); err != nil {
		return &TargetError{fmt.Errorf("the app's setup: %w%s", err, t.workerdSaid())}
	}
	return nil
}

// workerdSaid is the end of workerd's output (the Worker's uncaught
// errors), for a message about a failing app.
func (t *target) workerdSaid() string {
	if t.app == nil {
		return ""
	}
	out := strings.TrimSpace(t.app.Output())
	if out == "" {
		return ""
	}
	// The same uncaught error is printed once per request: say each once.
	var lines []string
	count := map[string]int{}
	for _, l := range strings.Split(out, "\n") {
		if count[l]++; count[l] == 1 {
			lines = append(lines, l)
		}
	}
	if len(lines) > 12 {
		lines = lines[len(lines)-12:]
	}
	for i, l := range lines {
		if n := count[l]; n > 1 {
			lines[i] = fmt.Sprintf("%s  (×%d)", l, n)
		}
	}
	return "\nworkerd's output ends with:\n  " + strings.Join(lines, "\n  ")
}

// routesAnswered stops an app run whose routes never answered as the
// scenario says: a route that failed every request says nothing about
// consistency, and a verdict on the others would hide it. A route whose
// every answer missed the mapping is the scenario's fault (exit 254, its
// file and line); one that only ever failed with a 5xx or no answer is
// the app's (exit 255, with workerd's output).
func (t *target) routesAnswered(h *history.History) error {
	if t.web == nil {
		return nil
	}
	type tally struct {
		ok, mismatch, failed int
		first                *history.Event
	}
	by := map[string]*tally{}
	for i := range h.Events {
		e := &h.Events[i]
		if e.HTTP == nil || e.Type == history.Invoke {
			continue
		}
		r := by[e.HTTP.Route]
		if r == nil {
			r = &tally{}
			by[e.HTTP.Route] = r
		}
		switch {
		case e.Type == history.OK:
			r.ok++
		case e.HTTP.Mismatch != "":
			r.mismatch++
		default:
			r.failed++
		}
		if e.Type != history.OK && r.first == nil {
			r.first = e
		}
	}
	var errs []error
	for _, o := range t.web.Spec().Ops {
		r := by[o.Name]
		if r == nil || r.ok > 0 {
			continue
		}
		first := r.first
		switch {
		case r.mismatch > 0 && r.failed == 0:
			errs = append(errs, &ConfigError{&scenarios.Error{File: o.File, Line: o.Line, Field: "routes." + o.Name,
				Msg: fmt.Sprintf("none of the %d answers of %s %s matched this route's mapping; the first: %s", r.mismatch, first.HTTP.Method, first.HTTP.Path, first.HTTP.Mismatch)}})
		default:
			errs = append(errs, &TargetError{fmt.Errorf("route %s (%s %s) failed all %d requests; the first: %s%s",
				o.Name, first.HTTP.Method, first.HTTP.Path, r.mismatch+r.failed, first.Error, t.workerdSaid())})
		}
	}
	if len(errs) == 0 {
		return nil
	}
	// The scenario's fault first: fixing it may fix the rest.
	for _, e := range errs {
		var ce *ConfigError
		if errors.As(e, &ce) {
			return e
		}
	}
	return errs[0]
}

// joinTrace attaches to an app run's HTTP ops the queries the app made
// while serving them (app.Join) and rewrites the history file with them,
// so that the file alone still derives the verdict and its explanations.
func (t *target) joinTrace(h *history.History, path string, epoch time.Time, tr *server.Trace) error {
	if t.app == nil || tr == nil {
		return nil
	}
	counts := app.Join(h.Events, epoch, tr.Entries())
	appLog(fmt.Sprintf("app: queries joined to requests: %d exact, %d by key and bookmark, %d ambiguous (not attached)",
		counts[app.JoinExact], counts[app.JoinKey], counts[app.JoinAmbiguous]))
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	w, err := history.NewWriter(f, h.Header)
	if err == nil {
		for _, e := range h.Events {
			if _, err = w.Append(e); err != nil {
				break
			}
		}
		err = errors.Join(err, w.Close())
	}
	if err = errors.Join(err, f.Close()); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("writing the joined history: %w", err)
	}
	return os.Rename(tmp, path)
}
