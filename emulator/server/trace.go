package server

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/d1check/d1check/d1"
)

// Protocols a traced query came through.
const (
	ProtocolBinding = "binding" // workerd's D1 binding
	ProtocolDriver  = "driver"  // d1check's driver protocol
)

// TraceEntry is one query the server answered, as the database saw it:
// who asked (region, session or plain, the bookmark sent), who served
// (the primary or which replica, at which position) and what it returned.
// An app run joins these to its HTTP ops by bookmark and time: they show
// which bookmark each of the app's queries really carried.
type TraceEntry struct {
	Seq      uint64    `json:"seq"`
	Start    time.Time `json:"start"`
	Duration float64   `json:"duration_ms"`
	Protocol string    `json:"protocol"`
	// Region is the client's region (x-d1check-region); empty means the
	// primary's region.
	Region string `json:"region,omitempty"`
	// Session is false for plain env.DB (no commit token sent).
	Session     bool   `json:"session"`
	BookmarkIn  string `json:"bookmark_in,omitempty"`
	BookmarkOut string `json:"bookmark_out,omitempty"`
	ServedBy    string `json:"served_by,omitempty"`
	Primary     bool   `json:"served_by_primary"`
	// Position is the commit position the serving instance answered at
	// (the returned bookmark's); 0 when no bookmark was returned.
	Position uint64   `json:"position,omitempty"`
	Batch    bool     `json:"batch,omitempty"`
	SQL      []string `json:"sql"`
	Error    string   `json:"error,omitempty"`
}

// Trace collects TraceEntries, at most Max of them (later ones are counted
// in Dropped, never silently lost). It is safe for concurrent use.
type Trace struct {
	max     int
	mu      sync.Mutex
	seq     uint64
	entries []TraceEntry
	dropped int
}

// DefaultTraceMax bounds a trace's memory (an entry is a few hundred bytes).
const DefaultTraceMax = 1 << 20

// NewTrace returns an empty trace holding at most max entries
// (DefaultTraceMax when max <= 0).
func NewTrace(max int) *Trace {
	if max <= 0 {
		max = DefaultTraceMax
	}
	return &Trace{max: max}
}

func (t *Trace) add(e TraceEntry) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.seq++
	if len(t.entries) >= t.max {
		t.dropped++
		return
	}
	e.Seq = t.seq
	t.entries = append(t.entries, e)
}

// Entries returns a copy of the entries in the order they were answered.
func (t *Trace) Entries() []TraceEntry {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]TraceEntry(nil), t.entries...)
}

// Dropped is how many entries did not fit.
func (t *Trace) Dropped() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.dropped
}

// WriteJSONL writes one JSON object per line.
func (t *Trace) WriteJSONL(w io.Writer) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	for _, e := range t.Entries() {
		if err := enc.Encode(e); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// Save writes the trace to path as JSON lines (a run saves it next to its
// history as trace.jsonl).
func (t *Trace) Save(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("trace: %w", err)
	}
	if err := t.WriteJSONL(f); err != nil {
		f.Close()
		return fmt.Errorf("trace: writing %s: %w", path, err)
	}
	return f.Close()
}

// serve runs req on t and records it in the trace, if the server has one.
func (s *Server) serve(r *http.Request, t d1.Transport, protocol string, req d1.Request) (d1.Response, error) {
	start := time.Now()
	resp, err := t.Query(r.Context(), req)
	if s.opts.Trace == nil {
		return resp, err
	}
	e := TraceEntry{Start: start, Duration: float64(time.Since(start).Microseconds()) / 1000, Protocol: protocol,
		Region: r.Header.Get(HeaderRegion), Session: req.Mode == d1.ModeSession, BookmarkIn: req.Bookmark, Batch: req.Batch,
		SQL: make([]string, len(req.Statements))}
	for i, q := range req.Statements {
		e.SQL[i] = q.SQL
	}
	if err != nil {
		e.Error = err.Error()
	} else {
		if len(resp.Results) > 0 {
			m := resp.Results[0].Meta
			e.ServedBy, e.Primary = m.ServedBy, m.ServedByPrimary
		}
		if e.Session {
			e.BookmarkOut = resp.Bookmark
			if b, perr := d1.ParseBookmark(resp.Bookmark); perr == nil {
				e.Position = b.Position()
			}
		}
	}
	s.opts.Trace.add(e)
	return resp, err
}
