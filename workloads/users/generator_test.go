package users

import (
	"strings"
	"testing"

	"github.com/d1check/d1check/workloads"
	"github.com/d1check/d1check/workloads/internal/histtest"
)

func cfg(seed int64, client, peers int) workloads.GenConfig {
	return histtest.GenConfig(seed, client, peers, workloads.Unconstrained, 20)
}

func TestGeneratorDeterministic(t *testing.T) {
	a := histtest.Deterministic(t, Workload{}, func(seed int64, client int) workloads.GenConfig { return cfg(seed, client, 8) })
	for _, op := range a {
		if op.Key != op.Value.(Args).Email || !strings.Contains(op.Key, ".unconstrained@") {
			t.Fatalf("op %+v: key must be the email, naming the variant", op)
		}
		if workloads.ReadOnly(op.F) != (op.F == FGetUser) {
			t.Fatalf("op %+v: only get_user is read-only", op)
		}
	}
}

// TestHotEmailsRace: in a generation, several clients try to create the
// same new hot email: the first-time race the workload exists to provoke.
// Half the ops are hot (histtest.GenConfig) over two hot emails per
// generation of hotPeriod ops, so 200 ops of a client meet about n/hotPeriod
// generations: far more than n/hotPeriod/2 hot emails must be created.
func TestHotEmailsRace(t *testing.T) {
	const peers, n = 8, 200
	creators := map[string]map[int]bool{} // hot email -> clients creating it
	for c := 0; c < peers; c++ {
		for _, op := range histtest.Ops(Workload{}.Generator(cfg(1, c, peers)), n) {
			if op.F == FGetOrCreate && strings.HasPrefix(op.Key, "hot") {
				if creators[op.Key] == nil {
					creators[op.Key] = map[int]bool{}
				}
				creators[op.Key][c] = true
			}
		}
	}
	if len(creators) < n/hotPeriod/2 {
		t.Fatalf("only %d hot emails were created in %d ops of %d clients, want at least %d", len(creators), n, peers, n/hotPeriod/2)
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
