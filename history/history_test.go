package history

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

var testHeader = Header{
	Scenario:  json.RawMessage(`{"name":"t","clients":2}`),
	Target:    "emulator",
	Seed:      7,
	StartedAt: time.Date(2025, 3, 1, 12, 0, 0, 123456789, time.UTC),
}

// fullEvents uses every field of Event and Statement.
func fullEvents() []Event {
	return []Event{
		{Type: Invoke, Process: 3, Session: "s3", Variant: "atomic", F: "get_or_create_user", Key: "a@x.test",
			Value: json.RawMessage(`{"email":"a@x.test"}`), Time: 1200},
		{Type: Nemesis, F: "pause-replication", Value: json.RawMessage(`{"region":"WEUR"}`), Time: 1300},
		{Type: OK, Process: 3, Session: "s3", Variant: "atomic", F: "get_or_create_user", Key: "a@x.test",
			Value: json.RawMessage(`{"id":17,"created":true}`), Time: 5300,
			Trace: []Statement{{SQL: "SELECT 1 <>&", BookmarkIn: "first-primary", BookmarkOut: "00000000-0000002a-00000000-00000000000000000000000000000000",
				ServedBy: "primary", ServedByPrimary: true, ServedByRegion: "ENAM", Start: 1250, End: 5200, Error: "boom"}}},
		{Type: Invoke, Process: 4, F: "verify_code", Key: "a@x.test/C1", Value: json.RawMessage(`{"email":"a@x.test","code":"C1"}`), Time: 5400},
		{Type: Info, Process: 4, F: "verify_code", Key: "a@x.test/C1", Error: "Network connection lost.", Time: 6000},
		{Type: Invoke, Process: 5, F: "get_user", Key: "b", Time: 6000},
		{Type: Fail, Process: 5, F: "get_user", Key: "b", Error: "D1_ERROR: no such table: u: SQLITE_ERROR", Time: 7000},
	}
}

func writeAll(t testing.TB, evs []Event) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewWriter(&buf, testHeader)
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range evs {
		got, err := w.Append(e)
		if err != nil {
			t.Fatal(err)
		}
		if got != i {
			t.Fatalf("Append returned index %d, want %d", got, i)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestRoundTripLossless(t *testing.T) {
	evs := fullEvents()
	data := writeAll(t, evs)
	h, err := Read(bytes.NewReader(data), "h.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	want := testHeader
	want.D1check, want.Version = "history", Version
	if !reflect.DeepEqual(h.Header, want) {
		t.Errorf("header = %+v, want %+v", h.Header, want)
	}
	if h.Truncated || h.Synthesized != 0 {
		t.Errorf("Truncated=%v Synthesized=%d, want false 0", h.Truncated, h.Synthesized)
	}
	if len(h.Events) != len(evs) {
		t.Fatalf("read %d events, want %d", len(h.Events), len(evs))
	}
	for i, e := range evs {
		e.Index, e.Line = i, i+2
		if !reflect.DeepEqual(h.Events[i], e) {
			t.Errorf("event %d:\n got %+v\nwant %+v", i, h.Events[i], e)
		}
	}
	// Writing what was read gives the same bytes: nothing is lost or added.
	if again := writeAll(t, h.Events); !bytes.Equal(again, data) {
		t.Errorf("rewrite differs:\n%s\n---\n%s", again, data)
	}
}

func TestTruncatedFileKeepsCompleteEvents(t *testing.T) {
	data := writeAll(t, fullEvents())
	lines := bytes.SplitAfter(data, []byte("\n"))
	// Cut inside the line of event 3 (the invoke of process 4): lines[0] is the header.
	cut := len(bytes.Join(lines[:4], nil)) + 10
	h, err := Read(bytes.NewReader(data[:cut]), "cut.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	if !h.Truncated {
		t.Error("Truncated = false, want true")
	}
	if len(h.Events) != 3 {
		t.Fatalf("read %d events, want 3 complete ones", len(h.Events))
	}
	// A cut exactly at a line end is not truncation.
	h, err = Read(bytes.NewReader(data[:cut-10]), "cut.jsonl")
	if err != nil || h.Truncated || len(h.Events) != 3 {
		t.Fatalf("clean cut: err=%v truncated=%v events=%d, want nil false 3", err, h.Truncated, len(h.Events))
	}
	// Cut in the middle of process 4's info completion: its invoke becomes
	// a synthesized info at the last event's time.
	cut = len(bytes.Join(lines[:5], nil)) + 5
	h, err = Read(bytes.NewReader(data[:cut]), "cut.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Events) != 5 || h.Synthesized != 1 || !h.Truncated {
		t.Fatalf("events=%d synthesized=%d truncated=%v, want 5 1 true", len(h.Events), h.Synthesized, h.Truncated)
	}
	s := h.Events[4]
	if s.Type != Info || s.Process != 4 || s.F != "verify_code" || s.Key != "a@x.test/C1" || s.Error != NoCompletionError || s.Time != 5400 || s.Index != 4 || s.Line != 0 {
		t.Errorf("synthesized = %+v", s)
	}
}

func TestLastLineWithoutNewlineIsKeptWhenWhole(t *testing.T) {
	data := writeAll(t, fullEvents())
	h, err := Read(bytes.NewReader(bytes.TrimSuffix(data, []byte("\n"))), "x")
	if err != nil || h.Truncated || len(h.Events) != len(fullEvents()) {
		t.Fatalf("err=%v truncated=%v events=%d", err, h.Truncated, len(h.Events))
	}
}

const hdr = `{"d1check":"history","version":1,"target":"emulator","seed":1,"started_at":"2025-01-01T00:00:00Z"}`

func TestMalformed(t *testing.T) {
	inv := func(i, p int, tm int) string {
		return fmt.Sprintf(`{"index":%d,"type":"invoke","process":%d,"f":"get_user","key":"k","time":%d}`, i, p, tm)
	}
	done := func(i, p int, typ string, tm int) string {
		return fmt.Sprintf(`{"index":%d,"type":%q,"process":%d,"f":"get_user","key":"k","time":%d}`, i, typ, p, tm)
	}
	cases := []struct {
		name, file string
		line       int
		field, msg string
	}{
		{"empty", ``, 1, "", "empty file"},
		{"not json header", "hello\n", 1, "", "not a JSON object"},
		{"header cut", `{"d1check":"hist`, 1, "", "header line cut off"},
		{"not a history", `{"d1check":"trace","version":1}` + "\n", 1, "d1check", "not a d1check history"},
		{"newer version", `{"d1check":"history","version":2}` + "\n", 1, "version", "newer than this d1check reads"},
		{"version zero", `{"d1check":"history"}` + "\n", 1, "version", "not a history format version"},
		{"header wrong type", `{"d1check":"history","version":"1"}` + "\n", 1, "version", "got JSON string"},
		{"bad started_at", `{"d1check":"history","version":1,"started_at":"yesterday"}` + "\n", 1, "started_at", "RFC 3339"},
		{"middle line garbage", hdr + "\n" + inv(0, 1, 0) + "\n{oops\n" + done(1, 1, "ok", 5) + "\n", 3, "", "not a JSON object"},
		{"empty line", hdr + "\n\n" + inv(0, 1, 0) + "\n", 2, "", "empty line"},
		{"wrong type field", hdr + "\n" + `{"index":0,"type":"invoke","process":"p1","f":"get_user","time":0}` + "\n", 2, "process", "got JSON string, want int"},
		{"time as string", hdr + "\n" + `{"index":0,"type":"invoke","process":1,"f":"get_user","time":"1ms"}` + "\n", 2, "time", "want int64"},
		{"trace wrong type", hdr + "\n" + `{"index":0,"type":"nemesis","f":"x","time":0,"trace":[{"sql":1}]}` + "\n", 2, "trace.sql", "want string"},
		{"index skips", hdr + "\n" + inv(0, 1, 0) + "\n" + done(2, 1, "ok", 1) + "\n", 3, "index", "is 2, want 1"},
		{"bad type", hdr + "\n" + done(0, 1, "crash", 0) + "\n", 2, "type", `"crash" is not one of`},
		{"missing f", hdr + "\n" + `{"index":0,"type":"invoke","process":1,"time":0}` + "\n", 2, "f", "missing"},
		{"completion without invoke", hdr + "\n" + done(0, 1, "ok", 0) + "\n", 2, "process", "no outstanding invoke"},
		{"two outstanding invokes", hdr + "\n" + inv(0, 1, 0) + "\n" + inv(1, 1, 1) + "\n", 3, "process", "invokes again while its invoke at index 0"},
		{"invoke after info", hdr + "\n" + inv(0, 1, 0) + "\n" + done(1, 1, "info", 1) + "\n" + inv(2, 1, 2) + "\n", 4, "process", "after its info completion"},
		{"time backwards", hdr + "\n" + inv(0, 1, 50) + "\n" + done(1, 1, "ok", 49) + "\n", 3, "time", "goes backwards"},
		{"negative process", hdr + "\n" + inv(0, -1, 0) + "\n", 2, "process", "negative"},
		{"completion of other f", hdr + "\n" + inv(0, 1, 0) + "\n" + `{"index":1,"type":"ok","process":1,"f":"issue_code","key":"k","time":1}` + "\n", 3, "f", "completes an invoke of"},
		{"completion of other key", hdr + "\n" + inv(0, 1, 0) + "\n" + `{"index":1,"type":"ok","process":1,"f":"get_user","key":"j","time":1}` + "\n", 3, "key", "completes an invoke on key"},
		{"null line", hdr + "\n" + inv(0, 1, 0) + "\nnull\n", 3, "", "line is null, want an event object"},
		{"array line", hdr + "\n[1]\n", 2, "", "line is a JSON array, want an event object"},
		{"negative first time", hdr + "\n" + inv(0, 1, -5) + "\n", 2, "time", "-5 is negative"},
		{"trailing data", hdr + "\n" + inv(0, 1, 0) + " 5\n", 2, "", "after top-level value"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h, err := Read(strings.NewReader(c.file), "bad.jsonl")
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("Read = %+v, %v; want a *ParseError", h, err)
			}
			if pe.File != "bad.jsonl" || pe.Line != c.line || pe.Field != c.field || !strings.Contains(pe.Msg, c.msg) {
				t.Errorf("got %q (line %d field %q), want line %d field %q msg containing %q", pe.Error(), pe.Line, pe.Field, c.line, c.field, c.msg)
			}
			if !strings.HasPrefix(pe.Error(), fmt.Sprintf("bad.jsonl:%d: ", c.line)) {
				t.Errorf("Error() = %q, want the file:line: prefix", pe.Error())
			}
		})
	}
}

func TestUnknownFieldsTolerated(t *testing.T) {
	file := `{"d1check":"history","version":1,"future":true}` + "\n" +
		`{"index":0,"type":"nemesis","f":"x","time":0,"new_field":{"a":1}}` + "\n"
	h, err := Read(strings.NewReader(file), "x")
	if err != nil || len(h.Events) != 1 {
		t.Fatalf("err=%v, events=%d", err, len(h.Events))
	}
}

func TestScanStopsOnCallbackError(t *testing.T) {
	stop := errors.New("stop")
	n := 0
	_, err := Scan(bytes.NewReader(writeAll(t, fullEvents())), "x", func(Event) error {
		n++
		if n == 2 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 2 {
		t.Fatalf("err=%v after %d events, want stop after 2", err, n)
	}
}

func TestLongLine(t *testing.T) {
	big := strings.Repeat("x", 200<<10) // longer than the reader's buffer
	evs := []Event{{Type: Nemesis, F: "x", Value: json.RawMessage(`"` + big + `"`), Time: 1}}
	h, err := Read(bytes.NewReader(writeAll(t, evs)), "x")
	if err != nil || len(h.Events) != 1 || len(h.Events[0].Value) != len(big)+2 {
		t.Fatalf("err=%v", err)
	}
}

func TestReadFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "h.jsonl")
	if err := os.WriteFile(p, writeAll(t, fullEvents()), 0o644); err != nil {
		t.Fatal(err)
	}
	h, err := ReadFile(p)
	if err != nil || len(h.Events) != len(fullEvents()) {
		t.Fatalf("err=%v", err)
	}
	if _, err := ReadFile(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Fatal("ReadFile of a missing file succeeded")
	}
}

// TestConcurrentAppendNow: with many goroutines, AppendNow keeps index and
// time in file order, so the result always reads back.
func TestConcurrentAppendNow(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewWriter(&buf, testHeader)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	now := func() int64 { return int64(time.Since(start)) }
	var wg sync.WaitGroup
	for p := 0; p < 8; p++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				for _, typ := range []Type{Invoke, OK} {
					if _, err := w.AppendNow(Event{Type: typ, Process: p, F: "get_user", Key: "k"}, now); err != nil {
						t.Error(err)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	h, err := Read(&buf, "x")
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Events) != 8*200*2 || w.Len() != len(h.Events) {
		t.Fatalf("read %d events, Len %d, want %d", len(h.Events), w.Len(), 8*200*2)
	}
}

type failAfter struct{ n int }

func (f *failAfter) Write(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, errors.New("disk full")
	}
	f.n--
	return len(p), nil
}

func TestWriterErrors(t *testing.T) {
	if _, err := NewWriter(nil, testHeader); err == nil {
		t.Error("NewWriter(nil) succeeded")
	}
	if _, err := NewWriter(&failAfter{0}, testHeader); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("NewWriter on a failing writer: %v", err)
	}
	w, err := NewWriter(&failAfter{1}, testHeader)
	if err != nil {
		t.Fatal(err)
	}
	_, err1 := w.Append(Event{Type: Nemesis, F: "x"})
	_, err2 := w.Append(Event{Type: Nemesis, F: "x"})
	if err1 == nil || err2 == nil || !strings.Contains(w.Close().Error(), "disk full") {
		t.Errorf("errors: %v, %v, close %v; want the sticky write error", err1, err2, w.Close())
	}

	w, _ = NewWriter(io.Discard, testHeader)
	if _, err := w.Append(Event{Type: Nemesis, F: "x", Time: 10}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Append(Event{Type: Nemesis, F: "x", Time: 9}); err == nil {
		t.Error("Append accepted time going backwards")
	}
	if _, err := w.Append(Event{Type: Nemesis, F: "x", Value: json.RawMessage(`{bad`), Time: 10}); err == nil {
		t.Error("Append accepted an invalid JSON value")
	}
	if i, err := w.Append(Event{Type: Nemesis, F: "x", Time: 11}); err != nil || i != 1 {
		t.Errorf("after refused events: index %d err %v, want 1 nil", i, err)
	}
	w.Close()
	if _, err := w.Append(Event{Type: Nemesis, F: "x", Time: 12}); !errors.Is(err, ErrClosed) {
		t.Errorf("Append after Close: %v, want ErrClosed", err)
	}
}

// TestScanFrom: the events after a point in a file read on their own give
// the same events, numbered by their lines in the whole file; an event out
// of place there is refused with its line.
func TestScanFrom(t *testing.T) {
	data := writeAll(t, fullEvents())
	whole, err := Read(bytes.NewReader(data), "x")
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.SplitAfter(data, []byte("\n"))
	const first = 3 // fullEvents()[3] starts a process of its own
	tail := bytes.Join(lines[first+1:], nil)
	var got []Event
	if err := ScanFrom(bytes.NewReader(tail), "x", first, func(e Event) error { got = append(got, e); return nil }); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, whole.Events[first:]) {
		t.Fatalf("ScanFrom(%d) = %+v\nwant %+v", first, got, whole.Events[first:])
	}
	err = ScanFrom(bytes.NewReader(tail), "x", first+1, func(Event) error { return nil })
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Line != first+3 || pe.Field != "index" {
		t.Fatalf("events from the wrong index: %v, want a ParseError on index at line %d", err, first+3)
	}
}
