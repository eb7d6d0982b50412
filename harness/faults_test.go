package harness

import (
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/d1check/d1check/checker"
	"github.com/d1check/d1check/emulator"
	"github.com/d1check/d1check/emulator/server"
	"github.com/d1check/d1check/history"
	"github.com/d1check/d1check/nemesis"
	"github.com/d1check/d1check/scenarios"
)

// faultScenario is users-atomic-faults with its schedule compressed, so
// every fault kind starts and ends within a short run.
func faultScenario(t *testing.T) *scenarios.Scenario {
	t.Helper()
	s, err := scenarios.BuiltinFile("gate/users-atomic-faults.yaml", Catalog{})
	if err != nil {
		t.Fatal(err)
	}
	s.Clients, s.Duration = 12, 1500*time.Millisecond
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	for i := range s.Faults {
		s.Faults[i].At = ms(100 + 150*i)
		if s.Faults[i].For > 0 {
			s.Faults[i].For = ms(300)
		}
	}
	return s
}

// nemesisPhases counts each fault's recorded starts and ends.
func nemesisPhases(t *testing.T, h *history.History) map[string][2]int {
	t.Helper()
	out := map[string][2]int{}
	for _, e := range h.Events {
		if e.Type != history.Nemesis {
			continue
		}
		var v nemesis.Value
		if err := json.Unmarshal(e.Value, &v); err != nil {
			t.Fatalf("nemesis event %d: %v", e.Index, err)
		}
		c := out[v.Fault]
		if v.Phase == nemesis.PhaseStart {
			c[0]++
		} else {
			c[1]++
		}
		out[v.Fault] = c
	}
	return out
}

// TestFaultKindsAgree: every fault kind a scenario may schedule is one the
// nemesis applies, and every one it applies can be scheduled; each field
// of a scenario's fault reaches the nemesis.
func TestFaultKindsAgree(t *testing.T) {
	if !slices.Equal(scenarios.FaultKinds, nemesis.Kinds) {
		t.Errorf("scenarios accept %v, the nemesis applies %v", scenarios.FaultKinds, nemesis.Kinds)
	}
	f := scenarios.Fault{At: 1, Kind: nemesis.LagSpike, Region: "WEUR", For: 2, Lag: 3, Delay: 4, Snapshot: 5}
	want := nemesis.Fault{At: 1, Kind: nemesis.LagSpike, Region: "WEUR", For: 2, Lag: 3, Delay: 4, Snapshot: 5}
	if got := nemesisFaults([]scenarios.Fault{f}); len(got) != 1 || got[0] != want {
		t.Errorf("nemesisFaults(%+v) = %+v, want %+v", f, got, want)
	}
}

// TestFaultsRunOnTheEmulator: every fault kind is applied during the run,
// each start and end is in the history, and correct code stays valid.
func TestFaultsRunOnTheEmulator(t *testing.T) {
	s := faultScenario(t)
	run, err := Execute(context.Background(), s, t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := nemesisPhases(t, run.History)
	for _, f := range s.Faults {
		if got[f.Kind] != [2]int{1, 1} {
			t.Errorf("%s: %d starts and %d ends recorded, want 1 and 1", f.Kind, got[f.Kind][0], got[f.Kind][1])
		}
	}
	if run.Result.Verdict != checker.Valid {
		t.Errorf("correct code under faults: %s: %v", run.Result.Verdict, run.Result.Anomalies)
	}
}

// TestFaultsOnAWorker: only client-side faults apply to a driver Worker;
// any other is refused before a request is sent, naming its fault.
func TestFaultsOnAWorker(t *testing.T) {
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

	s := faultScenario(t)
	s.Target = scenarios.Target{Kind: "worker", URL: hs.URL}
	_, err = Execute(context.Background(), s, t.TempDir(), Options{})
	var ce *ConfigError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "faults[0] (pause-replication") {
		t.Fatalf("pause-replication on a worker: %v, want a ConfigError naming faults[0]", err)
	}
	if pos := emu.Status().Primary.Position; pos != 0 {
		t.Fatalf("the refused run reached the database (primary at position %d)", pos)
	}

	var clientSide []scenarios.Fault
	for _, f := range s.Faults {
		if f.Kind == nemesis.RequestTimeout || f.Kind == nemesis.DropBookmark {
			clientSide = append(clientSide, f)
		}
	}
	s.Faults = clientSide
	run, err := Execute(context.Background(), s, t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := nemesisPhases(t, run.History)
	if len(got) != 2 || got[nemesis.DropBookmark] != [2]int{1, 1} || got[nemesis.RequestTimeout] != [2]int{1, 1} {
		t.Errorf("client-side faults on a worker recorded %v", got)
	}
	if run.Result.Verdict != checker.Valid {
		t.Errorf("correct code under client-side faults: %s: %v", run.Result.Verdict, run.Result.Anomalies)
	}
}
