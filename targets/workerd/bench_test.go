package workerd

import (
	"runtime"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/d1check/d1check/d1"
)

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
