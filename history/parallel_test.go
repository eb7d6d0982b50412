package history

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// manyEvents is a history long enough for the reader to cut it into
// several batches for its workers.
func manyEvents(n int) []Event {
	evs := make([]Event, 0, n)
	for i := range n {
		e := Event{Process: i / 2 % 7, Session: "s", F: "get_user", Key: "k", Time: int64(i)}
		if i%2 == 0 {
			e.Type = Invoke
		} else {
			e.Type, e.Value = OK, []byte(`{"id":1}`)
		}
		evs = append(evs, e)
	}
	return evs
}

// TestManyBatchesInOrder: events decoded by several workers come back in
// file order, with their line numbers, and a bad line far into the file
// is reported at its own line even when later batches decoded first.
func TestManyBatchesInOrder(t *testing.T) {
	const n = 5*batchLines + 4
	data := writeAll(t, manyEvents(n))
	h, err := Read(bytes.NewReader(data), "many.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Events) != n {
		t.Fatalf("read %d events, want %d", len(h.Events), n)
	}
	for i, e := range h.Events {
		if e.Index != i || e.Line != i+2 {
			t.Fatalf("event %d: index %d line %d", i, e.Index, e.Line)
		}
	}
	lines := strings.SplitAfter(string(data), "\n")
	good := lines[3*batchLines]
	lines[3*batchLines] = "{not json}\n"
	_, err = Read(strings.NewReader(strings.Join(lines, "")), "bad.jsonl")
	lines[3*batchLines] = good
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Line != 3*batchLines+1 {
		t.Fatalf("error %v, want a ParseError at line %d", err, 3*batchLines+1)
	}
	// A cut last line in a late batch: every whole line before it counts
	// (lines[0] is the header), and the invoke whose completion was cut
	// gets a synthesized one.
	cut := strings.Join(lines[:4*batchLines], "") + lines[4*batchLines][:9]
	h, err = Read(strings.NewReader(cut), "cut.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	if !h.Truncated || len(h.Events) != 4*batchLines || h.Synthesized != 1 {
		t.Fatalf("truncated=%v events=%d synthesized=%d, want true %d 1", h.Truncated, len(h.Events), h.Synthesized, 4*batchLines)
	}
}

// TestStreamKeepsNoEvents: Stream reports what Read does but the events.
func TestStreamKeepsNoEvents(t *testing.T) {
	n := 0
	h, err := Stream(bytes.NewReader(writeAll(t, fullEvents())), "x", func(Event) error { n++; return nil })
	if err != nil || n != len(fullEvents()) || h.Events != nil || h.Header.Seed != 7 {
		t.Fatalf("err=%v n=%d events=%v header=%+v", err, n, h.Events, h.Header)
	}
}
