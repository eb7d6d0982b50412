package cdn

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
	histtest.Deterministic(t, Workload{}, func(seed int64, client int) workloads.GenConfig { return cfg(seed, client, 8) })
}

// TestSchedule: every folder is filled by one client, versions 1, 2, 3 in
// order and once each; the uploader's next op after each upload reads the
// same folder; only uploads write; a get names its file by key or by id;
// keys name the variant; and browsers other than the uploader read every
// hot folder, through every read function.
func TestSchedule(t *testing.T) {
	const peers, n = 8, 300
	uploader := map[string]int{}
	next := map[string]int64{}
	readers := map[string]map[int]bool{}
	fs := map[string]bool{}
	for c := 0; c < peers; c++ {
		list := histtest.Ops(Workload{}.Generator(cfg(1, c, peers)), n)
		for i, op := range list {
			a := op.Value.(Args)
			if op.Key != a.Folder || !strings.Contains(op.Key, "-unconstrained-") {
				t.Fatalf("op %+v: key must be the folder, naming the variant", op)
			}
			if workloads.ReadOnly(op.F) == (op.F == FUpload) {
				t.Fatalf("op %+v: only uploads write", op)
			}
			fs[op.F] = true
			switch op.F {
			case FUpload:
				if u, ok := uploader[op.Key]; ok && u != c {
					t.Fatalf("folder %s uploaded to by clients %d and %d", op.Key, u, c)
				}
				uploader[op.Key] = c
				if a.Version != next[op.Key]+1 || a != File(a.Folder, a.Version) {
					t.Fatalf("client %d uploads %+v after version %d", c, a, next[op.Key])
				}
				next[op.Key] = a.Version
				if i+1 < n && list[i+1].Key != op.Key {
					t.Fatalf("client %d: the op after uploading to %s reads %s", c, op.Key, list[i+1].Key)
				}
			case FGet:
				if (a.Key == "") == (a.ID == "") || a.Version < 1 || a.Version > maxFiles {
					t.Fatalf("get %+v: want one of key and id and a version in 1..%d", a, maxFiles)
				}
				fallthrough
			default:
				if readers[op.Key] == nil {
					readers[op.Key] = map[int]bool{}
				}
				readers[op.Key][c] = true
			}
		}
	}
	for _, f := range []string{FUpload, FList, FListAll, FGet, FFolders} {
		if !fs[f] {
			t.Errorf("no client ran %s", f)
		}
	}
	browsed := 0
	for folder, u := range uploader {
		others := len(readers[folder])
		if readers[folder][u] {
			others--
		}
		if next[folder] == maxFiles && others > 0 {
			browsed++
		}
	}
	if len(uploader) < 10 || browsed < len(uploader)/2 {
		t.Fatalf("%d folders filled, %d also browsed by others", len(uploader), browsed)
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
