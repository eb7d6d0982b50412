package runner_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/d1check/d1check/d1"
	"github.com/d1check/d1check/emulator"
	"github.com/d1check/d1check/history"
	"github.com/d1check/d1check/runner"
	"github.com/d1check/d1check/workloads"
	"github.com/d1check/d1check/workloads/magiccodes"
	"github.com/d1check/d1check/workloads/users"
)

func newEmu(t testing.TB, cfg emulator.Config) *emulator.Emulator {
	emu, err := emulator.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { emu.Close() })
	return emu
}

func config(w workloads.Workload, emu *emulator.Emulator, hw *history.Writer) runner.Config {
	return runner.Config{
		Workload: w, Target: emu.Database, Clients: 10, Ops: 300, Seed: 3,
		Keys:      workloads.KeySpace{Count: 8, Hot: 0.3, HotKeys: 2},
		Variants:  w.Variants(),
		Bookmarks: runner.BookmarksCarry, History: hw,
	}
}

func record(t testing.TB, cfg runner.Config) (runner.Stats, []byte) {
	var buf bytes.Buffer
	hw, err := history.NewWriter(&buf, history.Header{Target: "emulator", Seed: cfg.Seed})
	if err != nil {
		t.Fatal(err)
	}
	cfg.History = hw
	st, err := runner.Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := hw.Close(); err != nil {
		t.Fatal(err)
	}
	return st, buf.Bytes()
}

// TestAllVariantsRoundTrip: both workloads, every variant side by side,
// recorded and re-read losslessly; every event carries its variant; the
// final reads cover every key; a truncated copy reads back its complete
// events.
func TestAllVariantsRoundTrip(t *testing.T) {
	for _, w := range []workloads.Workload{users.Workload{}, magiccodes.Workload{}} {
		t.Run(w.Name(), func(t *testing.T) {
			emu := newEmu(t, emulator.Config{DefaultLag: emulator.Uniform(0, 2*time.Millisecond)})
			st, data := record(t, config(w, emu, nil))
			h, err := history.Read(bytes.NewReader(data), "h")
			if err != nil {
				t.Fatal(err)
			}
			if st.Ops != 300 || len(h.Events) != 2*(st.Ops+st.FinalReads) || st.FinalReads == 0 {
				t.Fatalf("stats %+v, %d events", st, len(h.Events))
			}
			keys, finals := map[string]bool{}, map[string]bool{}
			variants := map[string]bool{}
			for _, e := range h.Events {
				if e.Variant == "" {
					t.Fatalf("event %d has no variant", e.Index)
				}
				variants[e.Variant] = true
				if e.Session == "final" {
					finals[e.Key] = true
				} else {
					keys[e.Key] = true
				}
				if e.Type == history.OK && e.Session != "final" && e.Variant != workloads.Plain && len(e.Trace) == 0 {
					t.Fatalf("ok event %d has no trace", e.Index)
				}
			}
			if len(variants) != len(w.Variants()) || len(keys) != len(finals) {
				t.Errorf("%d variants, %d keys, %d final reads", len(variants), len(keys), len(finals))
			}
			// Lossless: rewriting what was read gives the same bytes.
			var again bytes.Buffer
			hw, _ := history.NewWriter(&again, h.Header)
			for _, e := range h.Events {
				if _, err := hw.Append(e); err != nil {
					t.Fatal(err)
				}
			}
			hw.Close()
			if !bytes.Equal(again.Bytes(), data) {
				t.Error("history does not round-trip byte for byte")
			}
			// Cut 1 byte short of the end of event 100's line.
			lines := bytes.SplitAfter(data, []byte("\n"))
			cut := len(bytes.Join(lines[:102], nil)) - 2
			th, err := history.Read(bytes.NewReader(data[:cut]), "cut")
			if err != nil || !th.Truncated || len(th.Events)-th.Synthesized != 100 {
				t.Fatalf("truncated: err %v, truncated %v, %d events (%d synthesized), want 100 complete", err, th.Truncated, len(th.Events), th.Synthesized)
			}
		})
	}
}

// TestSameSeedSameOps: the intended ops of each client do not depend on
// timing: two runs with one seed invoke the same sequence per client.
func TestSameSeedSameOps(t *testing.T) {
	perClient := func() map[string][]string {
		emu := newEmu(t, emulator.Config{DefaultLag: emulator.Uniform(0, 3*time.Millisecond)})
		_, data := record(t, config(users.Workload{}, emu, nil))
		h, err := history.Read(bytes.NewReader(data), "h")
		if err != nil {
			t.Fatal(err)
		}
		out := map[string][]string{}
		for _, e := range h.Events {
			if e.Type == history.Invoke && e.Session != "final" {
				out[e.Session] = append(out[e.Session], e.F+" "+e.Key)
			}
		}
		return out
	}
	a, b := perClient(), perClient()
	if len(a) != 10 {
		t.Fatalf("%d sessions, want 10 (one per client under carry)", len(a))
	}
	for s, ops := range a {
		if len(ops) != 30 || len(b[s]) != 30 {
			t.Fatalf("%s: %d and %d ops", s, len(ops), len(b[s]))
		}
		for i := range ops {
			if ops[i] != b[s][i] {
				t.Fatalf("%s op %d: %q then %q", s, i, ops[i], b[s][i])
			}
		}
	}
}

// TestInfoStartsNewProcess: a transient error on a write is info and the
// client continues as a new process; on a read it is a certain fail.
func TestInfoStartsNewProcess(t *testing.T) {
	var n atomic.Int64
	emu := newEmu(t, emulator.Config{Hooks: emulator.Hooks{BeforeRequest: func(ctx context.Context, region string, req d1.Request) error {
		if sql := req.Statements[0].SQL; sql == "SELECT 1" || strings.HasPrefix(sql, "CREATE") {
			return nil // let setup through
		}
		if n.Add(1)%7 == 0 {
			return &d1.Error{Kind: d1.KindTransient, Message: "Network connection lost."}
		}
		return nil
	}}})
	cfg := config(users.Workload{}, emu, nil)
	cfg.Variants = []string{workloads.Atomic}
	st, data := record(t, cfg)
	h, err := history.Read(bytes.NewReader(data), "h") // the reader checks no process invokes after info
	if err != nil {
		t.Fatal(err)
	}
	if st.Info == 0 || st.Fail == 0 || st.Processes <= cfg.Clients+st.Info {
		t.Fatalf("stats %+v: want infos, fails and a new process per info", st)
	}
	for _, e := range h.Events {
		if e.Type == history.Info && e.F == users.FGetUser {
			t.Fatalf("read-only op recorded as info: %+v", e)
		}
	}
}

// TestCancelStopsPromptlyAndStillReadsFinal: cancelling a duration-bound
// run stops the clients; final reads still run and the file is whole.
func TestCancelStopsPromptlyAndStillReadsFinal(t *testing.T) {
	emu := newEmu(t, emulator.Config{})
	cfg := config(magiccodes.Workload{}, emu, nil)
	cfg.Ops, cfg.Duration = 0, time.Hour
	var buf bytes.Buffer
	hw, _ := history.NewWriter(&buf, history.Header{})
	cfg.History = hw
	ctx, cancel := context.WithCancel(context.Background())
	var done atomic.Bool
	go func() {
		// Cancel once the run is under way (not a timing assertion: the
		// run would take an hour otherwise).
		for hw.Len() < 200 && !done.Load() {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	st, err := runner.Run(ctx, cfg)
	done.Store(true)
	cancel()
	if err != nil {
		t.Fatal(err)
	}
	hw.Close()
	h, err := history.Read(&buf, "h")
	if err != nil {
		t.Fatal(err)
	}
	if st.FinalReads == 0 || h.Synthesized != 0 {
		t.Fatalf("stats %+v, %d synthesized", st, h.Synthesized)
	}
}

// TestWriterFailureStopsRun: a history that cannot be written is an error,
// not a silent pass.
func TestWriterFailureStopsRun(t *testing.T) {
	emu := newEmu(t, emulator.Config{})
	hw, err := history.NewWriter(&failingWriter{ok: 50}, history.Header{})
	if err != nil {
		t.Fatal(err)
	}
	cfg := config(users.Workload{}, emu, hw)
	if _, err := runner.Run(context.Background(), cfg); err == nil {
		t.Fatal("Run succeeded with a failing history writer")
	}
}

type failingWriter struct{ ok int }

func (f *failingWriter) Write(p []byte) (int, error) {
	if f.ok--; f.ok < 0 {
		return 0, errors.New("disk full")
	}
	return len(p), nil
}
