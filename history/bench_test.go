package history

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"testing/iotest"
)

// genEvents writes n events (invoke/ok pairs over 32 processes) to w
// through a Writer: the history genReader produces without a Writer.
func genEvents(w io.Writer, n int) error {
	hw, err := NewWriter(w, testHeader)
	if err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		e := Event{Process: (i / 2) % 32, Session: "s", F: "get_or_create_user", Key: "user-17@x.test", Time: int64(i)}
		if i%2 == 0 {
			e.Type, e.Value = Invoke, json.RawMessage(genInvokeValue)
		} else {
			e.Type, e.Value, e.Trace = OK, json.RawMessage(genOKValue), genTrace
		}
		if _, err := hw.Append(e); err != nil {
			return err
		}
	}
	return hw.Close()
}

const (
	genInvokeValue = `{"email":"user-17@x.test"}`
	genOKValue     = `{"id":17,"created":false}`
)

var genTrace = []Statement{{SQL: "SELECT id FROM users WHERE email = ?", BookmarkIn: "first-unconstrained",
	BookmarkOut: "00000000-0000002a-00000000-00000000000000000000000000000000", ServedByRegion: "WEUR", Start: 1, End: 2}}

// genReader is the history genEvents writes, made line by line in one
// buffer as it is read: a file of any length that never exists in memory
// and allocates nothing per line, so that a benchmark scanning it
// measures the reader alone.
type genReader struct {
	n, i    int    // events to make, events made
	buf     []byte // the current line
	pending []byte // what of buf is still to be read
	head    bool   // the header line has been made
}

func newGenReader(n int) *genReader { return &genReader{n: n, buf: make([]byte, 0, 512)} }

func (g *genReader) Read(p []byte) (int, error) {
	read := 0
	for read < len(p) {
		if len(g.pending) == 0 && !g.next() {
			if read == 0 {
				return 0, io.EOF
			}
			break
		}
		c := copy(p[read:], g.pending)
		g.pending = g.pending[c:]
		read += c
	}
	return read, nil
}

// next makes the next line, false when there is none.
func (g *genReader) next() bool {
	b := g.buf[:0]
	switch {
	case !g.head:
		g.head = true
		h := testHeader
		h.D1check, h.Version = "history", Version
		hb, err := json.Marshal(h)
		if err != nil {
			panic(err)
		}
		b = append(append(b, hb...), '\n')
	case g.i < g.n:
		i := int64(g.i)
		b = append(b, `{"index":`...)
		b = strconv.AppendInt(b, i, 10)
		if g.i%2 == 0 {
			b = append(b, `,"type":"invoke","process":`...)
		} else {
			b = append(b, `,"type":"ok","process":`...)
		}
		b = strconv.AppendInt(b, (i/2)%32, 10)
		b = append(b, `,"session":"s","f":"get_or_create_user","key":"user-17@x.test","value":`...)
		if g.i%2 == 0 {
			b = append(b, genInvokeValue...)
		} else {
			b = append(b, genOKValue...)
		}
		b = append(b, `,"time":`...)
		b = strconv.AppendInt(b, i, 10)
		if g.i%2 == 1 {
			b = append(b, `,"trace":[{"sql":"SELECT id FROM users WHERE email = ?","bookmark_in":"first-unconstrained",`+
				`"bookmark_out":"00000000-0000002a-00000000-00000000000000000000000000000000","served_by_primary":false,`+
				`"served_by_region":"WEUR","start":1,"end":2}]`...)
		}
		b = append(b, "}\n"...)
		g.i++
	default:
		return false
	}
	g.buf, g.pending = b, b
	return true
}

// TestGenReader: the benchmark's input is byte for byte what the Writer
// writes, so BenchmarkScan2M scans a real history.
func TestGenReader(t *testing.T) {
	var want bytes.Buffer
	if err := genEvents(&want, 11); err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(iotest.OneByteReader(newGenReader(11)))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want.Bytes()) {
		t.Fatalf("genReader made\n%s\nthe Writer writes\n%s", got, want.Bytes())
	}
}

// BenchmarkScan2M scans a 2,000,000-event history and reports how much the
// live heap grew above what it was before the scan, at its largest: it
// stays at tens of KB whatever the file's length. The history is made as
// it is read, in one line's buffer allocated before the baseline, so the
// figure is the reader's own.
//
//	go test ./history/ -run '^$' -bench Scan2M -benchtime 1x
func BenchmarkScan2M(b *testing.B) {
	const n = 2_000_000
	for range b.N {
		r := newGenReader(n)
		var ms runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&ms)
		base := ms.HeapAlloc
		var peak uint64
		count := 0
		_, err := Scan(r, "generated", func(e Event) error {
			count++
			if count%200_000 == 0 {
				runtime.GC()
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapAlloc-min(ms.HeapAlloc, base))
			}
			return nil
		})
		if err != nil || count != n {
			b.Fatalf("scanned %d events, err %v", count, err)
		}
		b.ReportMetric(float64(peak)/1024, "peak-heap-growth-KB")
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
