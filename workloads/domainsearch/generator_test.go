package domainsearch

import (
	"testing"

	"github.com/d1check/d1check/workloads"
	"github.com/d1check/d1check/workloads/internal/histtest"
)

func cfg(seed int64, client, peers int) workloads.GenConfig {
	return histtest.GenConfig(seed, client, peers, workloads.Unconstrained, 3)
}

func TestGeneratorDeterministic(t *testing.T) {
	histtest.Deterministic(t, Workload{}, func(seed int64, client int) workloads.GenConfig { return cfg(seed, client, 8) })
}

// step is one write of the schedule: who made it, and when (op number).
type step struct{ client, seq int }

// TestSchedule: every job's four steps and every config version are
// written once; a job's steps come in order, its submit at least
// hotPeriod ops before its worker's first step (so the runner's pacing
// puts the submit first), and the worker is another client than the
// submitter when there are enough peers; config versions of a tenant go
// up in the order they are written; pollers other than the writers read
// every job, through every read.
func TestSchedule(t *testing.T) {
	for _, peers := range []int{8, 2} {
		const n = 240
		written := map[string]map[int64]step{}
		readers := map[string]map[int]bool{}
		fs := map[string]bool{}
		doubles := 0 // set_config sent twice in a row: the admin's double click
		for c := 0; c < peers; c++ {
			for seq, op := range histtest.Ops(Workload{}.Generator(cfg(1, c, peers)), n) {
				a := op.Value.(Args)
				fs[op.F] = true
				if workloads.ReadOnly(op.F) == (op.F == FAdvance || op.F == FSetConfig) {
					t.Fatalf("op %+v: only advance_job and set_config write", op)
				}
				if op.F != FAdvance && op.F != FSetConfig {
					if readers[op.Key] == nil {
						readers[op.Key] = map[int]bool{}
					}
					readers[op.Key][c] = true
					continue
				}
				if written[op.Key] == nil {
					written[op.Key] = map[int64]step{}
				}
				s, dup := written[op.Key][a.Version]
				if dup && op.F == FSetConfig && s.client == c && s.seq == seq-1 {
					doubles++
				} else if dup {
					t.Fatalf("%s version %d written by client %d op %d and client %d op %d", op.Key, a.Version, s.client, s.seq, c, seq)
				}
				written[op.Key][a.Version] = step{c, seq} // a double submit keeps the second
			}
		}
		if peers >= 3 && doubles == 0 {
			t.Errorf("%d peers: no double submit of set_config", peers)
		}
		for _, f := range []string{FAdvance, FGetJob, FListJobs, FResults, FSetConfig, FGetConfig} {
			if !fs[f] {
				t.Errorf("%d peers: no client ran %s", peers, f)
			}
		}
		jobs, polled := 0, 0
		for key, vs := range written {
			if key[0] == 't' { // a tenant's config
				for v := int64(2); v <= int64(len(vs)); v++ {
					if vs[v].seq < vs[v-1].seq {
						t.Errorf("config %s: version %d written at op %d, before version %d", key, v, vs[v].seq, v-1)
					}
				}
				continue
			}
			if len(vs) != 4 && vs[Submitted].seq < n-2*hotPeriod {
				t.Errorf("job %s: steps %v, want all four", key, vs)
			}
			for v := Started; v <= Completed; v++ {
				if s, ok := vs[v]; ok && (s.seq < vs[v-1].seq || s.client != vs[Started].client) {
					t.Errorf("job %s: step %d %+v after step %d %+v", key, v, s, v-1, vs[v-1])
				}
			}
			if s, ok := vs[Started]; ok {
				if peers >= 3 && (s.client == vs[Submitted].client || s.seq < vs[Submitted].seq+hotPeriod) {
					t.Errorf("job %s: submitted %+v, started %+v", key, vs[Submitted], s)
				}
			}
			jobs++
			if len(readers[key]) > 1 {
				polled++
			}
		}
		if jobs < 10 || (peers >= 3 && polled < jobs*3/4) {
			t.Errorf("%d peers: %d jobs, %d polled by several clients", peers, jobs, polled)
		}
	}
}

// BenchmarkGenerator: the cost of choosing one op, which every client pays
// before every request.
func BenchmarkGenerator(b *testing.B) {
	g := Workload{}.Generator(cfg(1, 3, 24))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		g.Next()
	}
}
