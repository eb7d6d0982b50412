package soak

import (
	"context"
	"errors"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/d1check/d1check/checker"
	"github.com/d1check/d1check/harness"
	"github.com/d1check/d1check/history"
	"github.com/d1check/d1check/scenarios"
	"github.com/d1check/d1check/sim"
)

func builtin(t *testing.T, names ...string) []*scenarios.Scenario {
	t.Helper()
	var out []*scenarios.Scenario
	for _, n := range names {
		s, err := scenarios.BuiltinFile(n, harness.Catalog{})
		if err != nil {
			t.Fatal(err)
		}
		s.Clients = 8
		out = append(out, s)
	}
	return out
}

// TestWindowsAgreeWithTheWholeFile: the merged per-window results are what
// checking the whole file at once finds, check by check, for a mix that
// finds anomalies (the guide's variants) and one that does not.
func TestWindowsAgreeWithTheWholeFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history.jsonl")
	cfg := Config{
		Scenarios: builtin(t, "soak/users-mix.yaml", "soak/cdn-mix.yaml"),
		Duration:  2 * time.Second, Window: 500 * time.Millisecond,
		HistoryPath: path,
		Clock:       sim.NewScheduler(1), // how many windows fit must not depend on the load
	}
	res, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if res.Interrupted || strings.Contains(res.Report.Title, "interrupted") {
		t.Errorf("a soak that ran its duration says it was interrupted: %q", res.Report.Title)
	}
	// Setup, final reads and checks take time too: fewer windows than
	// Duration/Window fit, but both scenarios run.
	if res.Windows < 2 || len(res.Report.Runs) != 2 || res.Ops == 0 {
		t.Fatalf("%d windows, %d runs, %d ops: want windows of both scenarios", res.Windows, len(res.Report.Runs), res.Ops)
	}
	h, err := history.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	whole, err := checker.Check(h, checker.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if whole.Verdict != res.Report.Verdict() {
		t.Errorf("whole file %s, windows %s", whole.Verdict, res.Report.Verdict())
	}
	for _, wc := range whole.Checks {
		var checked, failed, anomalies int
		for _, run := range res.Report.Runs {
			for _, c := range run.Result.Checks {
				if c.Name == wc.Name {
					checked, failed, anomalies = checked+c.Checked, failed+c.Failed, anomalies+c.Anomalies
				}
			}
		}
		if checked != wc.Checked || failed != wc.Failed || anomalies != wc.Anomalies {
			t.Errorf("%s: windows %d checked, %d failed, %d anomalies; whole file %d, %d, %d",
				wc.Name, checked, failed, anomalies, wc.Checked, wc.Failed, wc.Anomalies)
		}
	}
	// Every kept anomaly's events are in its run's digest, with the
	// nemesis events that shade the report.
	for _, run := range res.Report.Runs {
		in := map[int]bool{}
		nem := 0
		for _, e := range run.History.Events {
			in[e.Index] = true
			if e.Type == history.Nemesis {
				nem++
			}
		}
		if nem == 0 {
			t.Errorf("%s: no fault in the digest", run.Scenario.Name)
		}
		for _, a := range run.Result.Anomalies {
			for _, i := range a.Events {
				if !in[i] {
					t.Fatalf("%s: anomaly %s event %d missing from the digest", run.Scenario.Name, a.Kind, i)
				}
			}
		}
	}
}

// TestInterrupted: ending the context stops the soak after the window
// running, which is checked and reported like the others, and the report
// says the soak was interrupted: it covers less than was asked.
func TestInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	res, err := Run(ctx, Config{
		Scenarios: builtin(t, "soak/cdn-mix.yaml"),
		Duration:  time.Hour, Window: 500 * time.Millisecond,
		HistoryPath: filepath.Join(t.TempDir(), "history.jsonl"),
		Clock:       sim.NewScheduler(1),
		OnWindow:    func(Window) { cancel() },
	})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Interrupted || res.Windows != 1 || len(res.Report.Runs) != 1 {
		t.Fatalf("interrupted %v after %d windows, %d runs reported: want interrupted after 1", res.Interrupted, res.Windows, len(res.Report.Runs))
	}
	if !strings.HasPrefix(res.Report.Title, "d1check soak (interrupted): 1 windows") {
		t.Errorf("title %q does not say the soak was interrupted", res.Report.Title)
	}
}

// TestMemoryStaysFlat: the live heap after a GC at the end of each window
// does not grow with the number of windows: events are dropped once their
// window is checked. The bound is generous (it is not a benchmark): it
// fails if the soak keeps every window's events, not if it is a few
// megabytes off.
func TestMemoryStaysFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("a soak of a few seconds")
	}
	var heaps []uint64
	cfg := Config{
		Scenarios: builtin(t, "gate/users-atomic-faults.yaml"),
		Duration:  6 * time.Second, Window: 400 * time.Millisecond,
		HistoryPath: filepath.Join(t.TempDir(), "history.jsonl"),
		Clock:       sim.NewScheduler(1),
		OnWindow: func(Window) {
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			heaps = append(heaps, ms.HeapAlloc)
		},
	}
	res, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(heaps) < 5 {
		t.Fatalf("%d windows, want at least 5", len(heaps))
	}
	base, last := heaps[1], heaps[len(heaps)-1]
	t.Logf("%d windows, %d ops; heap after window 1: %d KiB, after the last: %d KiB", len(heaps), res.Ops, base>>10, last>>10)
	if last > 2*base+4<<20 {
		t.Errorf("heap grew from %d KiB to %d KiB over %d windows", base>>10, last>>10, len(heaps))
	}
}

// TestBadConfig: everything that cannot soak is refused before anything
// runs, as a ConfigError.
func TestBadConfig(t *testing.T) {
	ok := builtin(t, "soak/cdn-mix.yaml")
	worker := *ok[0]
	worker.Target = scenarios.Target{Kind: "worker", URL: "http://127.0.0.1:1"}
	laggy := *ok[0]
	laggy.Target.Replication.Lag = scenarios.Lag{Constant: time.Second}
	path := filepath.Join(t.TempDir(), "h.jsonl")
	for name, cfg := range map[string]Config{
		"no scenario":     {Duration: time.Second, HistoryPath: path},
		"no duration":     {Scenarios: ok, HistoryPath: path},
		"negative window": {Scenarios: ok, Duration: time.Second, Window: -1, HistoryPath: path},
		"no history":      {Scenarios: ok, Duration: time.Second},
		"worker":          {Scenarios: []*scenarios.Scenario{&worker}, Duration: time.Second, HistoryPath: path},
		"two emulators":   {Scenarios: []*scenarios.Scenario{ok[0], &laggy}, Duration: time.Second, HistoryPath: path},
	} {
		_, err := Run(context.Background(), cfg)
		var ce *harness.ConfigError
		if !errors.As(err, &ce) {
			t.Errorf("%s: %v, want a ConfigError", name, err)
		}
	}
}
