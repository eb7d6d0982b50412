package harness

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/d1check/d1check/history"
	"github.com/d1check/d1check/scenarios"
)

// BenchmarkAppHTTP measures HTTP ops per second through the app target:
// the example app's correct getOrCreateUser, 16 clients over the six
// region sockets of one workerd, 2,000 ops per iteration. ops/s counts
// the traffic only (first invoke to last completion, from the history);
// wall-s is the whole run, bundling and workerd's start included.
// lag=none measures the target itself; lag=scenario keeps the gate's
// replication lag, which a read at a fresh bookmark waits out.
//
//	go test -run '^$' -bench BenchmarkAppHTTP -benchtime 3x ./harness
func BenchmarkAppHTTP(b *testing.B) {
	if testing.Short() {
		b.Skip("starts workerd")
	}
	needApp(b)
	s, err := scenarios.ParseFile(filepath.Join("..", "scenarios", "app", "gate", "users-atomic.yaml"), Catalog{})
	if err != nil {
		b.Fatal(err)
	}
	s.Clients, s.Ops = 16, 2000
	for _, lag := range []string{"none", "scenario"} {
		sc := *s
		if lag == "none" {
			sc.Target.Replication = scenarios.Replication{}
		}
		b.Run("lag="+lag, func(b *testing.B) { benchApp(b, &sc) })
	}
}

func benchApp(b *testing.B, s *scenarios.Scenario) {
	var ops, traffic, wall float64
	for b.Loop() {
		run, err := Execute(context.Background(), s, b.TempDir(), Options{})
		if err != nil {
			b.Fatal(err)
		}
		n, first, last := 0, int64(-1), int64(0)
		for _, e := range run.History.Events {
			if e.HTTP == nil && e.Type != history.Invoke {
				continue
			}
			if first < 0 {
				first = e.Time
			}
			last = e.Time
			if e.Type != history.Invoke {
				n++
			}
		}
		ops += float64(n)
		traffic += float64(last-first) / 1e9
	}
	wall = b.Elapsed().Seconds()
	b.ReportMetric(ops/traffic, "ops/s")
	b.ReportMetric(wall/float64(b.N), "wall-s/run")
}
