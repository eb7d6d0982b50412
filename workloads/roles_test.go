package workloads

import (
	"strings"
	"testing"
)

// TestRotation: in every generation each of the n roles has exactly one
// peer, the roles move between generations, and no peer or role count
// makes a role out of range.
func TestRotation(t *testing.T) {
	const peers, n = 5, 2
	held := map[int]map[int]int{} // gen -> role -> peer
	for gen := 0; gen < 10; gen++ {
		held[gen] = map[int]int{}
		for p := 0; p < peers; p++ {
			if k, ok := Rotation(p, peers, gen, n); ok {
				if k < 0 || k >= n {
					t.Fatalf("role %d out of range", k)
				}
				if q, dup := held[gen][k]; dup {
					t.Fatalf("gen %d: role %d held by peers %d and %d", gen, k, q, p)
				}
				held[gen][k] = p
			}
		}
		if len(held[gen]) != n {
			t.Fatalf("gen %d: roles %v", gen, held[gen])
		}
		if gen > 0 && held[gen][0] == held[gen-1][0] {
			t.Fatalf("role 0 stayed with peer %d", held[gen][0])
		}
	}
	if _, ok := Rotation(0, 0, 3, 1); ok {
		t.Error("no peers, yet a role")
	}
	if k, ok := Rotation(0, 1, 3, 4); !ok || k != 0 {
		t.Errorf("one peer, four roles: %d %v; want role 0", k, ok)
	}
}

func TestRequestConn(t *testing.T) {
	e := &Env{}
	if c, err := e.RequestConn(Unconstrained, false); err != nil || len(e.opened) != 1 || c != Batcher(e.opened[0]) {
		t.Errorf("unconstrained: %v %v, want the request's session", c, err)
	}
	for _, v := range []struct {
		variant string
		final   bool
	}{{Plain, false}, {Plain, true}, {Unconstrained, true}} {
		if c, err := e.RequestConn(v.variant, v.final); err != nil || c != Batcher(e.DB) {
			t.Errorf("%+v: %v %v, want env.DB", v, c, err)
		}
	}
	if _, err := e.RequestConn(Atomic, false); err == nil || !strings.Contains(err.Error(), `variant "atomic"`) {
		t.Errorf("atomic: %v", err)
	}
}
