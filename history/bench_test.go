package history

import (
	"bufio"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// genEvents writes n events (invoke/ok pairs over 32 processes) to w
// through a Writer, so a reader can consume a file of any size that never
// exists in memory.
func genEvents(w io.Writer, n int) error {
	hw, err := NewWriter(w, testHeader)
	if err != nil {
		return err
	}
	val := json.RawMessage(`{"email":"user-17@x.test"}`)
	res := json.RawMessage(`{"id":17,"created":false}`)
	tr := []Statement{{SQL: "SELECT id FROM users WHERE email = ?", BookmarkIn: "first-unconstrained",
		BookmarkOut: "00000000-0000002a-00000000-00000000000000000000000000000000", ServedByRegion: "WEUR", Start: 1, End: 2}}
	for i := 0; i < n; i++ {
		e := Event{Process: (i / 2) % 32, Session: "s", F: "get_or_create_user", Key: "user-17@x.test", Time: int64(i)}
		if i%2 == 0 {
			e.Type, e.Value = Invoke, val
		} else {
			e.Type, e.Value, e.Trace = OK, res, tr
		}
		if _, err := hw.Append(e); err != nil {
			return err
		}
	}
	return hw.Close()
}

// BenchmarkScan2M scans a 2,000,000-event history streamed through a pipe
// and reports the largest live heap seen while scanning: it stays at a few
// hundred KB whatever the file's length.
//
//	go test ./history/ -run '^$' -bench Scan2M -benchtime 1x
func BenchmarkScan2M(b *testing.B) {
	const n = 2_000_000
	for range b.N {
		pr, pw := io.Pipe()
		go func() {
			// A large buffer in front of the pipe, so the benchmark measures
			// the reader rather than a goroutine hand-off per line.
			bw := bufio.NewWriterSize(pw, 1<<20)
			err := genEvents(bw, n)
			if err == nil {
				err = bw.Flush()
			}
			pw.CloseWithError(err)
		}()
		var peak uint64
		var ms runtime.MemStats
		count := 0
		_, err := Scan(pr, "pipe", func(e Event) error {
			count++
			if count%200_000 == 0 {
				runtime.GC()
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapAlloc)
			}
			return nil
		})
		if err != nil || count != n {
			b.Fatalf("scanned %d events, err %v", count, err)
		}
		b.ReportMetric(float64(peak)/1024, "peak-live-heap-KB")
		b.ReportMetric(float64(n)/b.Elapsed().Seconds()*float64(b.N), "events/s")
	}
}

// BenchmarkAppend measures Append (encode + flush per event) to
// io.Discard and to a real file, from 32 goroutines as the runner does.
//
//	go test ./history/ -run '^$' -bench Append -benchtime 200000x
func BenchmarkAppend(b *testing.B) {
	e := Event{Type: OK, Process: 3, Session: "s3", F: "get_or_create_user", Key: "user-17@x.test",
		Value: json.RawMessage(`{"id":17,"created":false}`),
		Trace: []Statement{{SQL: "SELECT id FROM users WHERE email = ?", BookmarkIn: "first-unconstrained", ServedByRegion: "WEUR"}}}
	run := func(b *testing.B, w io.Writer) {
		hw, err := NewWriter(w, testHeader)
		if err != nil {
			b.Fatal(err)
		}
		b.SetParallelism(16) // 32 goroutines on 2 cores
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := hw.AppendNow(e, func() int64 { return 0 }); err != nil {
					b.Error(err)
					return
				}
			}
		})
		if err := hw.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("discard", func(b *testing.B) { run(b, io.Discard) })
	b.Run("file", func(b *testing.B) {
		f, err := os.Create(filepath.Join(b.TempDir(), "h.jsonl"))
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		run(b, f)
	})
}
