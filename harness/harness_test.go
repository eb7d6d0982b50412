package harness

import (
	"context"
	"errors"
	"net/http/httptest"
	"testing"

	"github.com/d1check/d1check/checker"
	"github.com/d1check/d1check/emulator"
	"github.com/d1check/d1check/emulator/server"
	"github.com/d1check/d1check/history"
	"github.com/d1check/d1check/scenarios"
)

// The same scenario file runs unchanged on the embedded emulator and on the
// emulator behind its HTTP server (the way it runs on workerd), changing
// only target; both histories check out with the scenario's expectation.
func TestSameScenarioOnEveryTarget(t *testing.T) {
	// users-unconstrained-none fails on every schedule (hundreds of
	// duplicates); first-primary's narrower race can miss a short run.
	for _, name := range []string{"gate/users-atomic.yaml", "demo/users-unconstrained-none.yaml"} {
		s, err := scenarios.BuiltinFile(name, Catalog{})
		if err != nil {
			t.Fatal(err)
		}
		s.Ops = 600 // quick under -race

		embedded, err := Execute(context.Background(), s, t.TempDir(), Options{})
		if err != nil {
			t.Fatalf("%s embedded: %v", name, err)
		}

		emu, err := emulator.New(EmulatorConfig(s))
		if err != nil {
			t.Fatal(err)
		}
		srv, err := server.New(emu, server.Options{})
		if err != nil {
			t.Fatal(err)
		}
		hs := httptest.NewServer(srv)
		overHTTP := *s
		overHTTP.Target = scenarios.Target{Kind: "worker", URL: hs.URL}
		remote, err := Execute(context.Background(), &overHTTP, t.TempDir(), Options{})
		hs.Close()
		emu.Close()
		if err != nil {
			t.Fatalf("%s over HTTP: %v", name, err)
		}

		want := checker.Verdict(s.Expect.Verdict)
		for target, run := range map[string]*checker.Result{"embedded": embedded.Result, "http": remote.Result} {
			if run.Verdict != want {
				t.Errorf("%s on %s: verdict %s, want %s: %v", name, target, run.Verdict, want, run.Anomalies)
			}
		}
		if remote.History.Header.Target != "worker" || len(remote.History.Events) == 0 {
			t.Errorf("%s over HTTP: header %+v, %d events", name, remote.History.Header, len(remote.History.Events))
		}
	}
}

func TestConfigErrorsBeforeTraffic(t *testing.T) {
	s := &scenarios.Scenario{Name: "x", Workload: "nope", File: "x.yaml"}
	_, err := Execute(context.Background(), s, t.TempDir(), Options{})
	var ce *ConfigError
	if !errors.As(err, &ce) {
		t.Fatalf("unknown workload: %v, want a ConfigError", err)
	}
	s = &scenarios.Scenario{Name: "x", Workload: "users", Variants: []string{"atomic"}, Clients: 0, Ops: 10, Bookmarks: "none",
		Keys: scenarios.Keys{Count: 1}, Target: scenarios.Target{Kind: "emulator"}, File: "x.yaml"}
	if _, err := Execute(context.Background(), s, t.TempDir(), Options{}); !errors.As(err, &ce) {
		t.Fatalf("zero clients: %v, want a ConfigError", err)
	}
	s.Clients, s.Target = 2, scenarios.Target{Kind: "worker", URL: "http://127.0.0.1:1"}
	_, err = Execute(context.Background(), s, t.TempDir(), Options{})
	var te *TargetError
	if !errors.As(err, &te) {
		t.Fatalf("unreachable worker: %v, want a TargetError", err)
	}
}

// A worker or REST target keeps its data between runs; a second run of the
// same scenario must still start from empty tables, or every first create
// would find the previous run's user and look non-linearizable. (Found on
// workerd: the gate's users-atomic came out invalid on a reused database.)
func TestRerunOnTheSameDatabase(t *testing.T) {
	s, err := scenarios.BuiltinFile("gate/users-atomic.yaml", Catalog{})
	if err != nil {
		t.Fatal(err)
	}
	s.Ops = 400
	emu, err := emulator.New(emulator.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer emu.Close()
	srv, err := server.New(emu, server.Options{})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	s.Target = scenarios.Target{Kind: "worker", URL: hs.URL}
	for i := range 2 {
		run, err := Execute(context.Background(), s, t.TempDir(), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if run.Result.Verdict != checker.Valid {
			t.Fatalf("run %d on the same database: %s: %v", i+1, run.Result.Verdict, run.Result.Anomalies[:min(2, len(run.Result.Anomalies))])
		}
	}
}

// An interrupted run stops its clients, leaves a history that reads back
// whole (no line cut off) and is not checked: Execute says so with
// checker.ErrInterrupted rather than a verdict on part of the run. The
// context ends from the first progress report, so the run is cut short
// whatever the machine's speed.
func TestExecuteInterrupted(t *testing.T) {
	s, err := scenarios.BuiltinFile("gate/users-atomic.yaml", Catalog{})
	if err != nil {
		t.Fatal(err)
	}
	s.Ops = 10_000_000 // far more than runs before the first progress report
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	run, err := Execute(ctx, s, t.TempDir(), Options{Progress: func(int, int) { cancel() }})
	if !errors.Is(err, checker.ErrInterrupted) {
		t.Fatalf("interrupted run: %v, want checker.ErrInterrupted", err)
	}
	if run.Result != nil {
		t.Errorf("an interrupted run has a verdict: %v", run.Result.Verdict)
	}
	h, err := history.ReadFile(run.HistoryPath)
	if err != nil {
		t.Fatal(err)
	}
	if h.Truncated || len(h.Events) == 0 || len(h.Events) >= 2*s.Ops {
		t.Errorf("history of %d events (truncated %v), want some of the %d ops, every line whole", len(h.Events), h.Truncated, s.Ops)
	}
}
