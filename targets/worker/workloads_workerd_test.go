package worker_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/d1check/d1check/checker"
	"github.com/d1check/d1check/d1"
	"github.com/d1check/d1check/emulator"
	"github.com/d1check/d1check/history"
	"github.com/d1check/d1check/runner"
	"github.com/d1check/d1check/targets/worker"
	"github.com/d1check/d1check/workloads"
	"github.com/d1check/d1check/workloads/magiccodes"
	"github.com/d1check/d1check/workloads/users"
)

// dropSchema drops the workload's tables, so that a run on a database a
// previous run used starts empty (histories assume it).
func dropSchema(t testing.TB, db *d1.Database, w workloads.Workload) {
	t.Helper()
	for _, ddl := range w.Schema(w.Variants()) {
		const p = "CREATE TABLE IF NOT EXISTS "
		if strings.HasPrefix(ddl, p) {
			name := strings.Fields(ddl[len(p):])[0]
			mustRun(t, db, "DROP TABLE IF EXISTS "+name)
		}
	}
}

func workloadConfig(w workloads.Workload, target runner.Target, ops int, hw *history.Writer) runner.Config {
	return runner.Config{
		Workload: w, Target: target, Clients: 10, Ops: ops, Seed: 11,
		Keys:      workloads.KeySpace{Count: 8, Hot: 0.3, HotKeys: 2},
		Variants:  w.Variants(),
		Bookmarks: runner.BookmarksCarry, History: hw,
	}
}

// Every variant of users and magic-codes on workerd, checked. Local D1 has
// one instance (no replicas): the D1 contract must hold and no stale read
// can appear; races between a check and a write (first-primary's TOCTOU)
// still can, and are logged, not failed.
func TestWorkerdWorkloads(t *testing.T) {
	c := workerd(t)
	target, err := worker.Target(c.URL(), worker.Options{Secret: os.Getenv("D1CHECK_WORKER_SECRET"), Timeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []workloads.Workload{users.Workload{}, magiccodes.Workload{}} {
		t.Run(w.Name(), func(t *testing.T) {
			dropSchema(t, c.Database(), w)
			path := filepath.Join(t.TempDir(), "history.jsonl")
			f, err := os.Create(path)
			if err != nil {
				t.Fatal(err)
			}
			hw, err := history.NewWriter(f, history.Header{Target: "worker", Seed: 11, StartedAt: time.Now().UTC()})
			if err != nil {
				t.Fatal(err)
			}
			st, err := runner.Run(context.Background(), workloadConfig(w, target, 400, hw))
			if cerr := hw.Close(); err == nil {
				err = cerr
			}
			f.Close()
			if err != nil {
				t.Fatal(err)
			}
			h, err := history.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			res, err := checker.Check(h, checker.Options{Timeout: time.Minute})
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s on workerd: %d ops (%d ok, %d fail, %d info) in %v; verdict %s", w.Name(), st.Ops, st.OK, st.Fail, st.Info, st.Elapsed.Round(time.Millisecond), res.Verdict)
			if st.OK == 0 {
				t.Fatal("no op succeeded: the run did not reach the database")
			}
			for _, ch := range res.Checks {
				for _, v := range ch.Variants {
					t.Logf("  %-20s %-14s %s (%d checked, %d failed)", ch.Name, v.Variant, v.Verdict, v.Checked, v.Failed)
				}
				if ch.Name == "session-guarantees" && ch.Verdict != checker.Valid {
					t.Errorf("D1's session guarantees failed on workerd: %+v", ch)
				}
			}
			for _, a := range res.Anomalies {
				t.Logf("  anomaly %s (%s, %s): %s", a.Kind, a.Check, a.Variant, a.Explanation)
				switch a.Kind {
				case "stale-read", "read-your-writes", "monotonic-read", "bookmark-regression", "lost-write":
					t.Errorf("%s on a single-instance database: %s", a.Kind, a.Explanation)
				}
			}
		})
	}
}

// BenchmarkUsers runs the same users workload (200 ops, 10 clients, every
// variant) on workerd through the driver and on the embedded emulator;
// scripts/test-worker.sh prints the ratio of their ops/s.
func BenchmarkUsers(b *testing.B) {
	run := func(b *testing.B, target runner.Target) {
		var ops int
		start := time.Now()
		for i := 0; i < b.N; i++ {
			st, err := runner.Run(context.Background(), workloadConfig(users.Workload{}, target, 200, nil))
			if err != nil {
				b.Fatal(err)
			}
			ops += st.Ops
		}
		b.ReportMetric(float64(ops)/time.Since(start).Seconds(), "ops/s")
	}
	b.Run("target=emulator", func(b *testing.B) {
		emu, err := emulator.New(emulator.Config{})
		if err != nil {
			b.Fatal(err)
		}
		defer emu.Close()
		run(b, emu.Database)
	})
	b.Run("target=workerd", func(b *testing.B) {
		c := workerd(b)
		target, err := worker.Target(c.URL(), worker.Options{Secret: os.Getenv("D1CHECK_WORKER_SECRET"), Timeout: time.Minute})
		if err != nil {
			b.Fatal(err)
		}
		run(b, target)
	})
}
