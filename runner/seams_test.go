package runner_test

import (
	"bytes"
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/d1check/d1check/checker"
	"github.com/d1check/d1check/emulator"
	"github.com/d1check/d1check/history"
	"github.com/d1check/d1check/runner"
	"github.com/d1check/d1check/workloads"
	"github.com/d1check/d1check/workloads/users"
)

// TestRunsShareOneHistory: two runs on one emulator append to one file
// with one epoch, the second starting at the first's next process id and
// each under its own namespace. The file reads back as one valid history
// (times, indexes and processes continue) and checks out valid: no key or
// session of one run is mistaken for the other's.
func TestRunsShareOneHistory(t *testing.T) {
	emu := newEmu(t, emulator.Config{DefaultLag: emulator.Uniform(0, 2*time.Millisecond)})
	var buf bytes.Buffer
	hw, err := history.NewWriter(&buf, history.Header{Target: "emulator"})
	if err != nil {
		t.Fatal(err)
	}
	epoch := time.Now()
	next := 0
	for i, ns := range []string{"w0/", "w1/"} {
		cfg := config(users.Workload{}, emu, hw)
		cfg.Variants = []string{workloads.Atomic}
		cfg.Epoch, cfg.FirstProcess, cfg.Namespace = epoch, next, ns
		if i == 1 {
			// The second run's keys are the first's: only the namespace
			// keeps them apart, so clear the first run's rows.
			db, err := emu.Database("ENAM")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.Prepare("DROP TABLE " + workloads.Table("users", workloads.Atomic)).Run(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		st, err := runner.Run(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		next += st.Processes
	}
	hw.Close()
	h, err := history.Read(&buf, "h")
	if err != nil {
		t.Fatal(err)
	}
	procs := map[string]map[int]bool{"w0/": {}, "w1/": {}}
	for _, e := range h.Events {
		ns := e.Key[:3]
		if !strings.HasPrefix(e.Session, ns) || procs[ns] == nil {
			t.Fatalf("event %d: key %q, session %q: want both under one namespace", e.Index, e.Key, e.Session)
		}
		procs[ns][e.Process] = true
	}
	for p := range procs["w1/"] {
		if procs["w0/"][p] {
			t.Fatalf("process %d used by both runs", p)
		}
	}
	res, err := checker.Check(h, checker.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Verdict != checker.Valid {
		t.Fatalf("verdict %s: %v", res.Verdict, res.Anomalies)
	}
}

// TestHooksBracketTheClients: OnStart comes before the first op with the
// run's clock, ClientsDone after the last client op and before the first
// final read.
func TestHooksBracketTheClients(t *testing.T) {
	emu := newEmu(t, emulator.Config{})
	var buf bytes.Buffer
	hw, _ := history.NewWriter(&buf, history.Header{})
	cfg := config(users.Workload{}, emu, hw)
	startedAt, doneAt := -1, -1
	var clock func() int64
	cfg.OnStart = func(now func() int64) { startedAt, clock = hw.Len(), now }
	cfg.ClientsDone = func() { doneAt = hw.Len() }
	if _, err := runner.Run(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	hw.Close()
	h, err := history.Read(&buf, "h")
	if err != nil {
		t.Fatal(err)
	}
	if startedAt != 0 || doneAt <= 0 || clock == nil {
		t.Fatalf("OnStart at event %d, ClientsDone at %d", startedAt, doneAt)
	}
	if last := h.Events[len(h.Events)-1].Time; clock() < last {
		t.Fatalf("OnStart's clock reads %d after the last event at %d: not the run's clock", clock(), last)
	}
	for _, e := range h.Events {
		if final := e.Session == runner.FinalSession; final != (e.Index >= doneAt) {
			t.Fatalf("event %d (session %s) is on the wrong side of ClientsDone at %d", e.Index, e.Session, doneAt)
		}
	}
}

// faults is a ClientFaults switched on by the test.
type faults struct {
	drop     atomic.Bool
	deadline atomic.Int64
	asked    atomic.Int64
}

func (f *faults) DropBookmark(string) bool { f.asked.Add(1); return f.drop.Load() }
func (f *faults) RequestDeadline(string) (time.Duration, bool) {
	d := time.Duration(f.deadline.Load())
	return d, d > 0
}

// TestDropBookmarkStartsSessions: a carrying client whose bookmark is
// dropped before every op starts a new session each time, so session
// guarantees still hold under a lagging emulator (the same session id
// without the bookmark would read as a broken session).
func TestDropBookmarkStartsSessions(t *testing.T) {
	emu := newEmu(t, emulator.Config{DefaultLag: emulator.Uniform(0, 5*time.Millisecond)})
	var buf bytes.Buffer
	hw, _ := history.NewWriter(&buf, history.Header{})
	cfg := config(users.Workload{}, emu, hw)
	cfg.Variants = []string{workloads.Atomic}
	f := &faults{}
	f.drop.Store(true)
	cfg.ClientFaults = f
	st, err := runner.Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	hw.Close()
	h, err := history.Read(&buf, "h")
	if err != nil {
		t.Fatal(err)
	}
	sessions := map[string]int{}
	for _, e := range h.Events {
		if e.Type == history.Invoke && e.Session != runner.FinalSession {
			sessions[e.Session]++
		}
	}
	if len(sessions) != st.Ops || f.asked.Load() != int64(st.Ops) {
		t.Fatalf("%d ops in %d sessions, faults asked %d times: want one session per op", st.Ops, len(sessions), f.asked.Load())
	}
	res, err := checker.Check(h, checker.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Verdict != checker.Valid {
		t.Fatalf("verdict %s: %v", res.Verdict, res.Anomalies)
	}
}

// TestRequestDeadlineMakesInfo: ops given a deadline they cannot meet end
// as info when they may have written, as fail when they only read, and the
// history stays valid.
func TestRequestDeadlineMakesInfo(t *testing.T) {
	emu := newEmu(t, emulator.Config{})
	var buf bytes.Buffer
	hw, _ := history.NewWriter(&buf, history.Header{})
	cfg := config(users.Workload{}, emu, hw)
	cfg.Variants = []string{workloads.Atomic}
	f := &faults{}
	f.deadline.Store(1) // 1ns: expired before the request is sent
	cfg.ClientFaults = f
	st, err := runner.Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if st.OK != 0 || st.Info == 0 || st.FinalReads == 0 {
		t.Fatalf("stats %+v: want no ok op, some info, and final reads (which faults never touch)", st)
	}
	hw.Close()
	h, err := history.Read(&buf, "h")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range h.Events {
		if e.Type == history.Info && e.F == users.FGetUser {
			t.Fatalf("read-only op recorded as info: %+v", e)
		}
	}
	if _, err := checker.Check(h, checker.Options{}); err != nil {
		t.Fatal(err)
	}
}
