package histtest

import (
	"reflect"
	"testing"

	"github.com/d1check/d1check/workloads"
)

// GenConfig is the generator configuration the workloads' generator tests
// share: one client among peers of variant, half its traffic on two hot keys.
func GenConfig(seed int64, client, peers int, variant string, keys int) workloads.GenConfig {
	return workloads.GenConfig{Seed: seed, Client: client, Variant: variant, Peer: client, Peers: peers,
		Keys: workloads.KeySpace{Count: keys, Hot: 0.5, HotKeys: 2}}
}

// Ops draws n ops from g.
func Ops(g workloads.Generator, n int) []workloads.Op {
	out := make([]workloads.Op, n)
	for i := range out {
		out[i] = g.Next()
	}
	return out
}

// Deterministic fails t unless w's generator gives the same 500 ops for the
// same seed and client, and other ops for another seed: what makes a run
// reproducible from its seed. It returns the ops of cfg(7, 3).
func Deterministic(t testing.TB, w workloads.Workload, cfg func(seed int64, client int) workloads.GenConfig) []workloads.Op {
	t.Helper()
	a := Ops(w.Generator(cfg(7, 3)), 500)
	if !reflect.DeepEqual(a, Ops(w.Generator(cfg(7, 3)), 500)) {
		t.Fatal("same seed and client gave different ops")
	}
	if reflect.DeepEqual(a, Ops(w.Generator(cfg(9, 3)), 500)) || reflect.DeepEqual(a, Ops(w.Generator(cfg(7, 4)), 500)) {
		t.Fatal("another seed or client gave the same ops")
	}
	return a
}
