package workerd

import (
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
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
	wcpu0, gcpu0 := cpuTime(b, tg.Process().Pid()), ownCPU()
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
	elapsed := time.Since(start)
	wcpu, gcpu := cpuTime(b, tg.Process().Pid())-wcpu0, ownCPU()-gcpu0
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "ops/s")
	// CPU per op does not depend on how loaded the machine is: two cores
	// divided by their sum is the ops/s an idle machine could reach.
	b.ReportMetric(float64(wcpu)/1e6/float64(b.N), "workerd-cpu-ms/op")
	b.ReportMetric(float64(gcpu)/1e6/float64(b.N), "go-cpu-ms/op")
}

// cpuTime is the user+system CPU time process pid has used.
func cpuTime(b *testing.B, pid int) time.Duration {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		b.Fatal(err)
	}
	f := strings.Fields(string(raw[strings.LastIndexByte(string(raw), ')')+2:]))
	ut, _ := strconv.ParseInt(f[11], 10, 64)        // utime, field 14 of stat
	st, _ := strconv.ParseInt(f[12], 10, 64)        // stime, field 15
	return time.Duration(ut+st) * time.Second / 100 // USER_HZ is 100 on Linux
}

// ownCPU is the CPU time this process (clients, server, emulator) has used.
func ownCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
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
