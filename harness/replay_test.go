package harness

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/d1check/d1check/reports"
	"github.com/d1check/d1check/scenarios"
)

// builtins is every built-in scenario: the gate, demo and soak suites.
func builtins(t *testing.T) []*scenarios.Scenario {
	t.Helper()
	var all []*scenarios.Scenario
	for _, suite := range scenarios.Suites {
		ss, err := scenarios.Builtin(suite, Catalog{})
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, ss...)
	}
	if len(all) < 20 {
		t.Fatalf("only %d built-in scenarios", len(all))
	}
	return all
}

// shrink makes s small enough for a test under the race detector while
// keeping what it exercises: fewer ops, or for a run bounded by time a
// shorter one with its faults scaled into it.
func shrink(s *scenarios.Scenario) {
	if s.Duration == 0 {
		s.Ops = min(s.Ops, 150)
		return
	}
	const short = 300 * time.Millisecond
	scale := func(d time.Duration) time.Duration { return d * short / s.Duration }
	for i := range s.Faults {
		f := &s.Faults[i]
		f.At, f.For = scale(f.At), scale(f.For)
	}
	s.Duration = short
}

// replayed runs s twice into the same directory — the same command twice
// — and fails unless history.jsonl and summary.json come out byte for
// byte the same.
func replayed(t *testing.T, s *scenarios.Scenario) {
	t.Helper()
	dir := t.TempDir()
	var hist, sum [2][]byte
	for i := range 2 {
		run, err := Execute(context.Background(), s, dir, Options{})
		if err != nil {
			t.Fatalf("%s, run %d: %v", s.Name, i+1, err)
		}
		if hist[i], err = os.ReadFile(filepath.Join(dir, "history.jsonl")); err != nil {
			t.Fatal(err)
		}
		rep, err := Report(s.Name, time.Time{}, "", []Run{run})
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := reports.WriteSummaryJSON(&b, rep); err != nil {
			t.Fatal(err)
		}
		sum[i] = b.Bytes()
	}
	if !bytes.Equal(hist[0], hist[1]) {
		t.Errorf("%s (seed %d): history.jsonl differs between two runs (%d and %d bytes) at byte %d",
			s.Name, s.Seed, len(hist[0]), len(hist[1]), firstDiff(hist[0], hist[1]))
	}
	if !bytes.Equal(sum[0], sum[1]) {
		t.Errorf("%s (seed %d): summary.json differs between two runs at byte %d:\n%s\n---\n%s",
			s.Name, s.Seed, firstDiff(sum[0], sum[1]), sum[0], sum[1])
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// Every built-in scenario, made small, replays byte for byte from its
// seed on simulated time: the scheduler, not the machine, decides every
// interleaving.
func TestEveryBuiltinScenarioReplays(t *testing.T) {
	for _, s := range builtins(t) {
		if s.Target.Time != scenarios.TimeSimulated {
			t.Fatalf("%s: built-in scenarios run on simulated time, got %q", s.File, s.Target.Time)
		}
		t.Run(s.Name, func(t *testing.T) {
			shrink(s)
			replayed(t, s)
		})
	}
}

// The same, at full size: minutes of CPU, so it runs only when asked
// for, with D1CHECK_REPLAY_FULL=1 (and never under the race detector).
func TestEveryBuiltinScenarioReplaysAtFullSize(t *testing.T) {
	if os.Getenv("D1CHECK_REPLAY_FULL") == "" || raceEnabled || testing.Short() {
		t.Skip("full-size runs of every built-in scenario: set D1CHECK_REPLAY_FULL=1 (not with -race or -short)")
	}
	for _, s := range builtins(t) {
		t.Run(s.Name, func(t *testing.T) { replayed(t, s) })
	}
}

// Different seeds give different schedules: the seed, not luck, is what
// the history depends on.
func TestSeedChangesTheHistory(t *testing.T) {
	s, err := scenarios.BuiltinFile("demo/users-first-primary.yaml", Catalog{})
	if err != nil {
		t.Fatal(err)
	}
	s.Ops = 150
	var hist [2][]byte
	for i, seed := range []int64{1, 2} {
		s.Seed = seed
		dir := t.TempDir()
		if _, err := Execute(context.Background(), s, dir, Options{}); err != nil {
			t.Fatal(err)
		}
		if hist[i], err = os.ReadFile(filepath.Join(dir, "history.jsonl")); err != nil {
			t.Fatal(err)
		}
	}
	if bytes.Equal(hist[0], hist[1]) {
		t.Fatal("seeds 1 and 2 wrote the same history")
	}
}
