package magiccodes

import (
	"strings"
	"testing"

	"github.com/d1check/d1check/workloads"
	"github.com/d1check/d1check/workloads/internal/histtest"
)

func cfg(seed int64, client, peers int) workloads.GenConfig {
	return histtest.GenConfig(seed, client, peers, workloads.Atomic, 20)
}

func TestGeneratorDeterministic(t *testing.T) {
	histtest.Deterministic(t, Workload{}, func(seed int64, client int) workloads.GenConfig { return cfg(seed, client, 8) })
}

// TestSchedule: every hot code is issued exactly once, at its generation's
// first slot, before anyone verifies it in the generation; many hot codes
// are submitted by two or more clients (double submits) from clients other
// than the issuer; and a client verifies only cold codes it issued before.
func TestSchedule(t *testing.T) {
	const peers, n = 8, 300
	issuers := map[string][]int{}
	verifiers := map[string]map[int]bool{}
	for c := 0; c < peers; c++ {
		issued := map[string]bool{}
		for seq, op := range histtest.Ops(Workload{}.Generator(cfg(1, c, peers)), n) {
			a := op.Value.(Args)
			if op.Key != a.Key() || !strings.Contains(op.Key, ".atomic@") {
				t.Fatalf("op %+v: bad key", op)
			}
			hot := strings.HasPrefix(a.Code, "H")
			switch {
			case op.F == FIssue && hot:
				if seq%hotPeriod != 0 {
					t.Fatalf("client %d issues hot code %s at slot %d", c, a.Code, seq%hotPeriod)
				}
				issuers[op.Key] = append(issuers[op.Key], c)
			case op.F == FIssue:
				issued[op.Key] = true
			case hot:
				if verifiers[op.Key] == nil {
					verifiers[op.Key] = map[int]bool{}
				}
				verifiers[op.Key][c] = true
			default:
				if !issued[op.Key] {
					t.Fatalf("client %d verifies cold code %s it never issued", c, op.Key)
				}
			}
		}
	}
	if len(issuers) != 2*(n/hotPeriod) {
		t.Errorf("%d hot codes issued, want %d (2 per generation)", len(issuers), 2*(n/hotPeriod))
	}
	for k, is := range issuers {
		if len(is) != 1 {
			t.Errorf("hot code %s issued by clients %v, want exactly one", k, is)
		}
	}
	double := 0
	for k, vs := range verifiers {
		if len(issuers[k]) == 0 {
			t.Errorf("hot code %s verified but never issued", k)
		}
		others := 0
		for c := range vs {
			if len(issuers[k]) > 0 && c != issuers[k][0] {
				others++
			}
		}
		if others >= 2 {
			double++
		}
	}
	if double < len(issuers)/2 {
		t.Errorf("only %d of %d hot codes were submitted by two or more other clients", double, len(issuers))
	}
}
