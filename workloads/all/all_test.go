package all_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/d1check/d1check/checker"
	"github.com/d1check/d1check/d1"
	"github.com/d1check/d1check/history"
	"github.com/d1check/d1check/opspec"
	"github.com/d1check/d1check/workloads"
	_ "github.com/d1check/d1check/workloads/all"
	"github.com/d1check/d1check/workloads/internal/histtest"
)

// opsPerClient is how long each generator runs: long enough for every
// op of every workload (a generator hands some ops to few peers, some only
// every few generations of hot keys).
const opsPerClient = 600

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

// TestEveryRecordedOpDecodes runs every workload's requests, each variant
// on a fresh primary, one at a time, with the final reads of what they
// touched, and checks the recorded history: every ok value the workload's
// code returns must decode too, and every declared op must have returned
// one. (One at a time on the primary: this is about values, not races, and
// it stays quick under -race.)
func TestEveryRecordedOpDecodes(t *testing.T) {
	const peers, opsEach = 4, 100
	ctx := context.Background()
	for _, name := range workloads.Names() {
		t.Run(name, func(t *testing.T) {
			w, err := workloads.Lookup(name)
			if err != nil {
				t.Fatal(err)
			}
			var evs []history.Event
			ok := map[string]bool{}
			do := func(db *d1.Database, variant string, client int, op workloads.Op) {
				in, err := workloads.Marshal(op.Value)
				if err != nil {
					t.Fatal(err)
				}
				n := len(evs)
				inv := history.Event{Index: n, Type: history.Invoke, Process: client, Variant: variant, F: op.F, Key: op.Key, Value: in, Time: int64(n)}
				done := history.Event{Index: n + 1, Type: history.Fail, Process: client, Variant: variant, F: op.F, Key: op.Key, Time: int64(n + 1)}
				v, err := w.Do(ctx, &workloads.Env{DB: db}, variant, op)
				if err == nil {
					if done.Value, err = workloads.Marshal(v); err != nil {
						t.Fatal(err)
					}
					done.Type, ok[op.F] = history.OK, true
				} else {
					done.Error = err.Error()
				}
				evs = append(evs, inv, done)
			}
			for _, variant := range w.Variants() {
				db := histtest.Primary(t, w, variant)
				gens := make([]workloads.Generator, peers)
				for c := range gens {
					gens[c] = w.Generator(histtest.GenConfig(5, c, peers, variant, 6))
				}
				finals := map[string]workloads.Op{}
				for range opsEach {
					for c, g := range gens {
						op := g.Next()
						do(db, variant, c, op)
						if f, ok := w.FinalRead(op); ok {
							finals[f.F+" "+f.Key] = f
						}
					}
				}
				for _, f := range finals {
					do(db, variant, peers, f)
				}
			}
			if _, err := checker.Check(&history.History{Events: evs}, checker.Options{}); err != nil {
				t.Fatalf("checking %s's recorded values: %v", name, err)
			}
			decl, _ := opspec.Lookup(name)
			for _, o := range decl.Ops {
				if !ok[o.F] {
					t.Errorf("%s never completed %s ok: its value went unchecked (ok ops: %s)", name, o.F, keys(ok))
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
