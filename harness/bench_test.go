package harness

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/d1check/d1check/emulator"
	"github.com/d1check/d1check/history"
	"github.com/d1check/d1check/scenarios"
	"github.com/d1check/d1check/sim"
	"github.com/d1check/d1check/workloads"
)

// BenchmarkSimulated records gate/users-atomic-faults (24 clients, 1–4 ms
// round trips, long-tail lag, every fault kind) on simulated time, without
// the check: how many client ops a simulated run records per second, and how many seconds of
// virtual time pass per second of wall time. Each iteration is one run of
// the scenario's 6 s of virtual time.
func BenchmarkSimulated(b *testing.B) {
	s, err := scenarios.BuiltinFile("gate/users-atomic-faults.yaml", Catalog{})
	if err != nil {
		b.Fatal(err)
	}
	w, err := workloads.Lookup(s.Workload)
	if err != nil {
		b.Fatal(err)
	}
	var ops, steps int
	var virtual time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		clock := sim.NewScheduler(s.Seed)
		nem, err := newNemesis(s, clock)
		if err != nil {
			b.Fatal(err)
		}
		target, emu, closeTarget, err := openTarget(context.Background(), s, nem.Hooks(emulator.Hooks{}), clock, Options{})
		if err != nil {
			b.Fatal(err)
		}
		path := filepath.Join(b.TempDir(), "history.jsonl")
		if err := record(context.Background(), s, w, target, clock, fault{nem, emu}, path, Options{}); err != nil {
			b.Fatal(err)
		}
		closeTarget()
		b.StopTimer()
		h, err := history.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		for _, e := range h.Events {
			if e.Type == history.OK || e.Type == history.Fail || e.Type == history.Info {
				ops++
			}
		}
		b.StartTimer()
		steps += int(clock.Steps())
		virtual += clock.Now().Sub(sim.Epoch)
	}
	el := b.Elapsed().Seconds()
	b.ReportMetric(float64(ops)/el, "ops/s")
	b.ReportMetric(float64(steps)/el, "steps/s")
	b.ReportMetric(virtual.Seconds()/el, "virtual-s/s")
}
