package checker

import (
	"testing"

	"github.com/anishathalye/porcupine"
	"github.com/d1check/d1check/checker/internal/benchgen"
	"github.com/d1check/d1check/checker/model"
	"github.com/d1check/d1check/history"
)

var bench1M *history.History

func history1M(b *testing.B) *history.History {
	if bench1M == nil {
		bench1M = benchgen.History(1_000_000, 10_000, 32)
	}
	return bench1M
}

// BenchmarkCheck1M runs all three checks, decoding included, on a
// 1,000,000-event history.
func BenchmarkCheck1M(b *testing.B) {
	h := history1M(b)
	b.ReportAllocs()
	for b.Loop() {
		res, err := Check(h, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if res.Verdict != Valid {
			b.Fatalf("verdict %s: %+v", res.Verdict, res.Anomalies[:min(3, len(res.Anomalies))])
		}
	}
}

// BenchmarkLinearizability1M is the checker's linearizability step on the
// decoded ops; BenchmarkPorcupineDirect1M calls porcupine itself on the
// same operations, one call per model with a Partition function by key,
// as porcupine's documentation recommends. Their ratio is the checker's
// overhead.
func BenchmarkLinearizability1M(b *testing.B) {
	ops, err := pairOps(history1M(b).Events)
	if err != nil {
		b.Fatal(err)
	}
	ci := newCommitIndex(ops)
	b.ReportAllocs()
	for b.Loop() {
		if res, _, _ := checkLinearizability(ops, ci, Options{}.withDefaults()); res.Verdict != Valid {
			b.Fatal(res.Verdict)
		}
	}
}

func BenchmarkPorcupineDirect1M(b *testing.B) {
	ops, err := pairOps(history1M(b).Events)
	if err != nil {
		b.Fatal(err)
	}
	byKind := map[model.Kind][]porcupine.Operation{}
	for _, p := range partitionOps(ops) {
		for _, o := range p.operations(false) {
			o.Metadata = p.key
			byKind[p.kind] = append(byKind[p.kind], o)
		}
	}
	models := map[model.Kind]porcupine.Model{}
	for k := range byKind {
		m := model.For(k).Model()
		m.Partition = benchgen.PartitionByMetadata
		models[k] = m
	}
	b.ReportAllocs()
	for b.Loop() {
		for k, hist := range byKind {
			if !porcupine.CheckOperations(models[k], hist) {
				b.Fatal("not linearizable")
			}
		}
	}
}
