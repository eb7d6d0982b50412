package users

import (
	"reflect"
	"strings"
	"testing"

	"github.com/d1check/d1check/workloads"
)

func cfg(seed int64, client, peers int) workloads.GenConfig {
	return workloads.GenConfig{Seed: seed, Client: client, Variant: workloads.Unconstrained, Peer: client, Peers: peers,
		Keys: workloads.KeySpace{Count: 20, Hot: 0.5, HotKeys: 2}}
}

func ops(g workloads.Generator, n int) []workloads.Op {
	out := make([]workloads.Op, n)
	for i := range out {
		out[i] = g.Next()
	}
	return out
}

func TestGeneratorDeterministic(t *testing.T) {
	w := Workload{}
	a, b := ops(w.Generator(cfg(7, 3, 8)), 500), ops(w.Generator(cfg(7, 3, 8)), 500)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same seed and client gave different ops")
	}
	if reflect.DeepEqual(a, ops(w.Generator(cfg(8, 3, 8)), 500)) || reflect.DeepEqual(a, ops(w.Generator(cfg(7, 4, 8)), 500)) {
		t.Fatal("another seed or client gave the same ops")
	}
	for _, op := range a {
		if op.Key != op.Value.(Args).Email || !strings.Contains(op.Key, ".unconstrained@") {
			t.Fatalf("op %+v: key must be the email, naming the variant", op)
		}
		if op.ReadOnly != (op.F == FGetUser) {
			t.Fatalf("op %+v: only get_user is read-only", op)
		}
	}
}

// TestHotEmailsRace: in a generation, several clients try to create the
// same new hot email: the first-time race the workload exists to provoke.
func TestHotEmailsRace(t *testing.T) {
	const peers, n = 8, 200
	creators := map[string]map[int]bool{} // hot email -> clients creating it
	for c := 0; c < peers; c++ {
		for _, op := range ops(Workload{}.Generator(cfg(1, c, peers)), n) {
			if op.F == FGetOrCreate && strings.HasPrefix(op.Key, "hot") {
				if creators[op.Key] == nil {
					creators[op.Key] = map[int]bool{}
				}
				creators[op.Key][c] = true
			}
		}
	}
	raced := 0
	for _, cs := range creators {
		if len(cs) >= 2 {
			raced++
		}
	}
	if raced < len(creators)/2 {
		t.Fatalf("only %d of %d hot emails had two or more creating clients", raced, len(creators))
	}
}
