package catalog

import (
	"reflect"
	"testing"

	"github.com/d1check/d1check/workloads"
)

func ops(cfg workloads.GenConfig, n int) []workloads.Op {
	g := Workload{}.Generator(cfg)
	out := make([]workloads.Op, n)
	for i := range out {
		out[i] = g.Next()
	}
	return out
}

func cfg(seed int64, client, peers int) workloads.GenConfig {
	return workloads.GenConfig{Seed: seed, Client: client, Variant: workloads.Unconstrained, Peer: client, Peers: peers,
		Keys: workloads.KeySpace{Count: 20, Hot: 0.5, HotKeys: 2}}
}

// TestSchedule: the same seed gives the same ops; every product version
// is written once, in order, by one client; a variant's id and version
// are the same whether it is added or read by id; shoppers read every
// way the shop does.
func TestSchedule(t *testing.T) {
	if !reflect.DeepEqual(ops(cfg(7, 3, 8), 300), ops(cfg(7, 3, 8), 300)) {
		t.Fatal("same seed and client gave different ops")
	}
	const peers = 8
	last := map[string]int64{}
	writer := map[string]int{}
	variants := map[string]int64{} // variant id -> version adding it
	fs := map[string]bool{}
	var reads []Args
	for c := 0; c < peers; c++ {
		for _, op := range ops(cfg(1, c, peers), 240) {
			a := op.Value.(Args)
			fs[op.F] = true
			if op.Key != a.Slug || workloads.ReadOnly(op.F) == (op.F == FSave || op.F == FAddVariant) {
				t.Fatalf("op %+v: key or read-only wrong", op)
			}
			switch op.F {
			case FSave, FAddVariant:
				if w, ok := writer[op.Key]; (ok && w != c) || a.Version <= last[op.Key] {
					t.Fatalf("client %d writes %+v after version %d by client %d", c, a, last[op.Key], writer[op.Key])
				}
				writer[op.Key], last[op.Key] = c, a.Version
				if op.F == FAddVariant {
					variants[a.Variant] = a.Version
				}
			case FGetVariant:
				reads = append(reads, a)
			}
		}
	}
	for _, a := range reads {
		if v, ok := variants[a.Variant]; ok && v != a.Version {
			t.Fatalf("get_variant %+v, but the variant is added by version %d", a, v)
		}
	}
	for _, f := range []string{FSave, FAddVariant, FGet, FGetVariants, FGetVariant} {
		if !fs[f] {
			t.Errorf("no client ran %s", f)
		}
	}
}
