package runner_test

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"testing"
	"time"

	"github.com/d1check/d1check/emulator"
	"github.com/d1check/d1check/history"
	"github.com/d1check/d1check/runner"
	"github.com/d1check/d1check/workloads"
	"github.com/d1check/d1check/workloads/magiccodes"
	"github.com/d1check/d1check/workloads/users"
)

// sampleHeap samples the live heap every 100ms until the returned function
// is called, which stops the sampler and returns the largest sample.
func sampleHeap() func() uint64 {
	stop, done := make(chan struct{}), make(chan uint64)
	go func() {
		var peak uint64
		var ms runtime.MemStats
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
			select {
			case <-stop:
				done <- peak
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 { close(stop); return <-done }
}

// writeHeapProfile saves what is live now, to tell the runner's memory
// from the emulator's (go tool pprof -sample_index=inuse_space).
func writeHeapProfile(b *testing.B, path string) {
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	runtime.GC()
	if err := pprof.WriteHeapProfile(f); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkRun measures recorded ops per second on the embedded emulator
// (no lag) with 32 clients, recording to a file, to io.Discard, and not at
// all, so the recording's share of the cost is the difference.
//
//	go test ./runner/ -run '^$' -bench Run -benchtime 20000x
func BenchmarkRun(b *testing.B) {
	for _, w := range []workloads.Workload{users.Workload{}, magiccodes.Workload{}} {
		for _, sink := range []string{"none", "discard", "file"} {
			b.Run(w.Name()+"/"+sink, func(b *testing.B) {
				emu, err := emulator.New(emulator.Config{})
				if err != nil {
					b.Fatal(err)
				}
				defer emu.Close()
				var hw *history.Writer
				switch sink {
				case "discard":
					hw, _ = history.NewWriter(io.Discard, history.Header{})
				case "file":
					f, err := os.Create(filepath.Join(b.TempDir(), "h.jsonl"))
					if err != nil {
						b.Fatal(err)
					}
					defer f.Close()
					hw, _ = history.NewWriter(f, history.Header{})
				}
				cfg := runner.Config{
					Workload: w, Target: emu.Database, Clients: 32, Ops: b.N, Seed: 1,
					Keys:     workloads.KeySpace{Count: 1000, Hot: 0.1, HotKeys: 4},
					Variants: []string{workloads.Unconstrained, workloads.Atomic}, Bookmarks: runner.BookmarksNone,
					History: hw,
				}
				peak := sampleHeap()
				b.ResetTimer()
				st, err := runner.Run(context.Background(), cfg)
				if err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				if p := os.Getenv("D1CHECK_HEAPPROFILE"); p != "" {
					writeHeapProfile(b, p) // while the emulator is still open
				}
				b.ReportMetric(float64(st.Ops)/(st.Elapsed.Seconds()), "ops/s")
				b.ReportMetric(float64(peak())/(1<<20), "peak-heap-MB")
				b.ReportMetric(float64(st.FinalReads), "keys")
			})
		}
	}
}
