package workerd

import (
	"context"
	"os"
	"runtime"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/d1check/d1check/d1"
	"github.com/d1check/d1check/emulator"
	wd "github.com/d1check/d1check/workerd"
)

var ctx = context.Background()

func start(tb testing.TB) (*emulator.Emulator, *Target) {
	tb.Helper()
	if _, err := wd.Find(""); err != nil {
		if os.Getenv("D1CHECK_REQUIRE_WORKERD") != "" {
			tb.Fatalf("D1CHECK_REQUIRE_WORKERD is set: %v", err)
		}
		tb.Skipf("no workerd (%v); scripts/test.sh installs it", err)
	}
	emu, err := emulator.New(emulator.Config{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { emu.Close() })
	t, err := Start(ctx, emu, Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := t.Close(); err != nil {
			tb.Error(err)
		}
	})
	db, _ := t.Database("")
	for _, q := range []string{
		"CREATE TABLE kv (k INTEGER PRIMARY KEY, v INTEGER)",
		"WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 100) INSERT INTO kv SELECT n, 0 FROM s",
	} {
		if _, err := db.Prepare(q).Run(ctx); err != nil {
			tb.Fatalf("%s: %v", q, err)
		}
	}
	return emu, t
}

// The driver on workerd answers a session's queries in every region, the
// write's bookmark carried to the next read.
func TestTargetServesEveryRegion(t *testing.T) {
	_, tg := start(t)
	for _, r := range d1.Regions {
		db, err := tg.Database(r)
		if err != nil {
			t.Fatal(err)
		}
		s := db.WithSession("first-unconstrained")
		if _, err := s.Prepare("UPDATE kv SET v = v + 1 WHERE k = 1").Run(ctx); err != nil {
			t.Fatal(err)
		}
		res, err := s.Prepare("SELECT v FROM kv WHERE k = 1").Run(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if m := res.Meta; m.ServedByRegion != r || m.ServedByPrimary {
			t.Errorf("region %s: read served by %s (primary %v), want its own replica", r, m.ServedByRegion, m.ServedByPrimary)
		}
	}
	if _, err := tg.Database("MARS"); err == nil {
		t.Error("region MARS accepted")
	}
}

// BenchmarkSessionOps is session queries per second through workerd's real
// binding with 32 clients: each op one query in a session carrying its
// bookmark, one in ten a write.
func BenchmarkSessionOps(b *testing.B) {
	_, tg := start(b)
	var next atomic.Int64
	b.SetParallelism(max(1, 32/runtime.GOMAXPROCS(0)))
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		n := next.Add(1)
		db, _ := tg.Database(d1.Regions[int(n)%len(d1.Regions)])
		s := db.WithSession("first-unconstrained")
		for i := 0; pb.Next(); i++ {
			k := (int(n)*7 + i) % 100
			q := s.Prepare("SELECT v FROM kv WHERE k = ?").Bind(k + 1)
			if i%10 == 0 {
				q = s.Prepare("UPDATE kv SET v = v + 1 WHERE k = ?").Bind(k + 1)
			}
			if _, err := q.Run(ctx); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "ops/s")
}

// BenchmarkAddedLatency is what workerd and HTTP add to each query: the
// median latency of the same session read, one at a time, through workerd
// and through the in-process emulator.
func BenchmarkAddedLatency(b *testing.B) {
	emu, tg := start(b)
	direct, _ := emu.Database("WEUR")
	viaWorkerd, _ := tg.Database("WEUR")
	median := func(db *d1.Database) time.Duration {
		s := db.WithSession("first-unconstrained")
		ds := make([]time.Duration, 0, b.N)
		for i := range b.N {
			t0 := time.Now()
			if _, err := s.Prepare("SELECT v FROM kv WHERE k = ?").Bind(i%100 + 1).Run(ctx); err != nil {
				b.Fatal(err)
			}
			ds = append(ds, time.Since(t0))
		}
		slices.Sort(ds)
		return ds[len(ds)/2]
	}
	b.ResetTimer()
	in := median(direct)
	via := median(viaWorkerd)
	b.ReportMetric(float64(in)/1e6, "in-process-p50-ms")
	b.ReportMetric(float64(via)/1e6, "workerd-p50-ms")
	b.ReportMetric(float64(via-in)/1e6, "added-p50-ms")
}
