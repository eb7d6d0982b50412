package all_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/d1check/d1check/checker"
	"github.com/d1check/d1check/history"
	"github.com/d1check/d1check/opspec"
	"github.com/d1check/d1check/runner"
	"github.com/d1check/d1check/workloads"
	_ "github.com/d1check/d1check/workloads/all"
	"github.com/d1check/d1check/workloads/internal/histtest"
)

// opsPerClient is how long each generator runs: long enough for every
// op of every workload (a generator hands some ops to few peers, some only
// every few generations of hot keys).
const opsPerClient = 3000

// TestEveryGeneratedOpIsDeclaredAndDecodes runs every workload's generator
// for every variant and several clients, with the final reads of what they
// touched: each op must be one its workload declares in opspec, and the
// checker must decode its invoke. Every declared op must also be emitted,
// so no declaration outlives its op.
func TestEveryGeneratedOpIsDeclaredAndDecodes(t *testing.T) {
	for _, name := range workloads.Names() {
		t.Run(name, func(t *testing.T) {
			w, err := workloads.Lookup(name)
			if err != nil {
				t.Fatal(err)
			}
			decl, ok := opspec.Lookup(name)
			if !ok {
				t.Fatalf("opspec declares no workload %q", name)
			}
			declared := map[string]bool{}
			for _, o := range decl.Ops {
				declared[o.F] = true
			}
			emitted := map[string]bool{}
			var evs []history.Event
			record := func(op workloads.Op, client int, variant string) {
				v, err := workloads.Marshal(op.Value)
				if err != nil {
					t.Fatalf("%s: %v", op.F, err)
				}
				emitted[op.F] = true
				if !declared[op.F] {
					t.Fatalf("%s emits %s, which opspec does not declare for it", name, op.F)
				}
				n := len(evs)
				t0 := int64(n) * 1000
				evs = append(evs,
					history.Event{Index: n, Type: history.Invoke, Process: client, Variant: variant, F: op.F, Key: op.Key, Value: v, Time: t0},
					history.Event{Index: n + 1, Type: history.Fail, Process: client, Variant: variant, F: op.F, Key: op.Key, Time: t0 + 500, Error: "not run"})
			}
			const peers = 4
			for _, variant := range w.Variants() {
				for client := range peers {
					g := w.Generator(histtest.GenConfig(11, client, peers, variant, 8))
					for range opsPerClient {
						op := g.Next()
						record(op, client, variant)
						if final, ok := w.FinalRead(op); ok {
							record(final, client, variant)
						}
					}
				}
			}
			if _, err := checker.Check(&history.History{Events: evs}, checker.Options{}); err != nil {
				t.Fatalf("the checker cannot read an op %s's generator emits: %v", name, err)
			}
			for f := range declared {
				if !emitted[f] {
					t.Errorf("opspec declares %s for %s, but its generator never emitted it in %d ops per client", f, name, opsPerClient)
				}
			}
		})
	}
}

// TestEveryRecordedOpDecodes runs every workload, all variants at once,
// on the emulator and checks the recorded history: every ok value the
// workload's code returns must decode too, and every declared op must have
// returned one.
func TestEveryRecordedOpDecodes(t *testing.T) {
	for _, name := range workloads.Names() {
		t.Run(name, func(t *testing.T) {
			w, err := workloads.Lookup(name)
			if err != nil {
				t.Fatal(err)
			}
			h := histtest.Run(t, runner.Config{Workload: w, Clients: 6 * len(w.Variants()), Ops: 1500, Seed: 3,
				Keys: workloads.KeySpace{Count: 6, Hot: 0.5, HotKeys: 2}, Variants: w.Variants(), Bookmarks: runner.BookmarksCarry},
				histtest.Lagged(3))
			if _, err := checker.Check(h, checker.Options{}); err != nil {
				t.Fatalf("checking %s's recorded history: %v", name, err)
			}
			seen := map[string]bool{}
			for _, e := range h.Events {
				if e.Type == history.OK {
					seen[e.F] = true
				}
			}
			decl, _ := opspec.Lookup(name)
			for _, o := range decl.Ops {
				if !seen[o.F] {
					t.Errorf("%s never completed %s ok: its value went unchecked (ok ops: %s)", name, o.F, keys(seen))
				}
			}
		})
	}
}

// TestEveryDeclaredWorkloadIsRegistered: opspec and the registry list the
// same workloads.
func TestEveryDeclaredWorkloadIsRegistered(t *testing.T) {
	var declared []string
	for _, w := range opspec.Workloads {
		declared = append(declared, w.Name)
	}
	slices.Sort(declared)
	if got := workloads.Names(); !slices.Equal(got, declared) {
		t.Errorf("registered %v, declared %v", got, declared)
	}
}

func keys(m map[string]bool) string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	b, _ := json.Marshal(out)
	return fmt.Sprint(string(b))
}
