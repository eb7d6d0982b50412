package auth

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

// TestSchedule: every session is logged into once, by one client, after
// its code was issued by that client; only that client reads or logs out
// its session (the cookie is its own); refresh tokens are never reused;
// each hot session is refreshed by two or more clients (the race), and
// every cold cycle ends with a hook after its logout.
func TestSchedule(t *testing.T) {
	const peers, n = 8, 300
	owner := map[string]int{}
	refreshers := map[string]map[int]bool{}
	tokens := map[string]bool{}
	for c := 0; c < peers; c++ {
		issued := map[string]bool{}
		loggedOut := map[string]bool{}
		for _, op := range histtest.Ops(Workload{}.Generator(cfg(1, c, peers)), n) {
			a := op.Value.(Args)
			switch op.F {
			case FIssue:
				if op.Key != a.Email+"/"+a.Code {
					t.Fatalf("issue key %q", op.Key)
				}
				issued[op.Key] = true
			case FLogin:
				if _, dup := owner[op.Key]; dup || !issued[a.Email+"/"+a.Code] || a.Session != op.Key {
					t.Fatalf("client %d: login %+v: duplicate or without its code", c, a)
				}
				owner[op.Key] = c
			case FHook, FLogout:
				if o, ok := owner[op.Key]; !ok || o != c {
					t.Fatalf("client %d: %s on %s, owned by %v", c, op.F, op.Key, owner[op.Key])
				}
				if op.F == FLogout {
					loggedOut[op.Key] = true
				}
			case FRefresh:
				if tokens[a.Token] || a.Token == "" {
					t.Fatalf("token %q reused or empty", a.Token)
				}
				tokens[a.Token] = true
				if loggedOut[op.Key] {
					t.Fatalf("client %d refreshes %s after its logout", c, op.Key)
				}
				if refreshers[op.Key] == nil {
					refreshers[op.Key] = map[int]bool{}
				}
				refreshers[op.Key][c] = true
			}
		}
	}
	hot, raced := 0, 0
	for k, rs := range refreshers {
		if strings.Contains(k, "-hot") {
			hot++
			if len(rs) >= 2 {
				raced++
			}
		}
	}
	if hot == 0 || raced < hot/2 {
		t.Fatalf("%d of %d hot sessions refreshed by two or more clients", raced, hot)
	}
}
