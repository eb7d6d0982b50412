// Package histtest runs a workload on the embedded emulator and reads the
// recorded history back, for the workloads' tests: they assert on the raw
// history, not through the checker.
package histtest

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/d1check/d1check/d1"
	"github.com/d1check/d1check/emulator"
	"github.com/d1check/d1check/history"
	"github.com/d1check/d1check/runner"
	"github.com/d1check/d1check/sim"
	"github.com/d1check/d1check/workloads"
)

// Run runs cfg (its Target and History are filled in) on a fresh emulator
// built from ecfg, and returns the history as read back from its bytes.
// Unless ecfg.Clock is set, the run is on simulated time, seeded by
// cfg.Seed: what a workload's test asserts about a history must not
// depend on how loaded the machine is.
func Run(t testing.TB, cfg runner.Config, ecfg emulator.Config) *history.History {
	t.Helper()
	if ecfg.Clock == nil {
		ecfg.Clock = sim.NewScheduler(cfg.Seed)
	}
	cfg.Clock = ecfg.Clock
	emu, err := emulator.New(ecfg)
	if err != nil {
		t.Fatal(err)
	}
	defer emu.Close()
	var buf bytes.Buffer
	w, err := history.NewWriter(&buf, history.Header{Target: "emulator", Seed: cfg.Seed, StartedAt: cfg.Clock.Now()})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Target, cfg.History = emu.Database, w
	st, err := runner.Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	h, err := history.Read(&buf, "run.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	if h.Synthesized != 0 || h.Truncated {
		t.Fatalf("a finished run left %d open invokes (truncated %v)", h.Synthesized, h.Truncated)
	}
	if want := 2 * (st.Ops + st.FinalReads); len(h.Events) != want {
		t.Fatalf("history has %d events, stats say %d", len(h.Events), want)
	}
	return h
}

// Op is an invoke and its completion.
type Op struct {
	Invoke, Done history.Event
}

// Pairs matches every invoke with its completion, in invoke order.
func Pairs(h *history.History) []Op {
	open := map[int]int{}
	var out []Op
	for _, e := range h.Events {
		switch e.Type {
		case history.Invoke:
			open[e.Process] = len(out)
			out = append(out, Op{Invoke: e})
		case history.OK, history.Fail, history.Info:
			out[open[e.Process]].Done = e
		}
	}
	return out
}

// Value decodes op's ok value into a map.
func Value(t testing.TB, e history.Event) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(e.Value, &m); err != nil {
		t.Fatalf("event %d: value %s: %v", e.Index, e.Value, err)
	}
	return m
}

// Lagged is the emulator the workloads' tests run on: 1–10 ms of
// replication lag, and a 1–4 ms network round trip per query as the
// built-in scenarios have — without it the emulator answers in
// microseconds and a read-then-write race depends on goroutine scheduling
// rather than on the window a real network opens.
func Lagged(seed int64) emulator.Config {
	return emulator.Config{Seed: seed, DefaultLag: emulator.Uniform(time.Millisecond, 10*time.Millisecond),
		RoundTrip: emulator.Uniform(time.Millisecond, 4*time.Millisecond)}
}

// Primary returns plain env.DB on a fresh emulator (closed with the test)
// holding w's schema for variant: for tests that drive a workload's
// requests one by one.
func Primary(t testing.TB, w workloads.Workload, variant string) *d1.Database {
	t.Helper()
	emu, err := emulator.New(emulator.Config{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { emu.Close() })
	db, err := emu.Database("")
	if err != nil {
		t.Fatal(err)
	}
	for _, ddl := range w.Schema([]string{variant}) {
		if _, err := db.Prepare(ddl).Run(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	return db
}
