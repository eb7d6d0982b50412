package d1

import (
	"context"
	"sync"
	"time"
)

// Trace collects what each request of an operation sent and got back:
// statements, bookmark sent and received, and who served them. Attach one to
// a context with WithTrace; every query made with that context is appended.
// Traces are for explanations and diagnostics; they never change behaviour.
type Trace struct {
	// Now, when set, is the clock entries are timed on (a simulated one
	// under d1check's scheduler); nil is time.Now.
	Now func() time.Time

	mu      sync.Mutex
	entries []TraceEntry
}

// TraceEntry is one request.
type TraceEntry struct {
	SQL             []string // one per statement; a batch has several
	Mode            Mode
	BookmarkIn      string
	BookmarkOut     string
	ServedBy        string
	ServedByPrimary bool
	ServedByRegion  string
	Start, End      time.Time
	Err             error
}

// Entries returns a copy of what has been collected.
func (t *Trace) Entries() []TraceEntry {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]TraceEntry(nil), t.entries...)
}

// Reset empties the trace so it can be reused for the next operation.
func (t *Trace) Reset() {
	t.mu.Lock()
	t.entries = t.entries[:0]
	t.mu.Unlock()
}

type traceKey struct{}

// WithTrace returns a context whose queries are recorded in t.
func WithTrace(ctx context.Context, t *Trace) context.Context {
	return context.WithValue(ctx, traceKey{}, t)
}

func traced(ctx context.Context, tr Transport, req Request) (Response, error) {
	t, _ := ctx.Value(traceKey{}).(*Trace)
	if t == nil {
		return tr.Query(ctx, req)
	}
	now := t.Now
	if now == nil {
		now = time.Now
	}
	start := now()
	resp, err := tr.Query(ctx, req)
	e := TraceEntry{Mode: req.Mode, BookmarkIn: req.Bookmark, BookmarkOut: resp.Bookmark, Start: start, End: now(), Err: err}
	for _, q := range req.Statements {
		e.SQL = append(e.SQL, q.SQL)
	}
	if len(resp.Results) > 0 {
		m := resp.Results[0].Meta
		e.ServedBy, e.ServedByPrimary, e.ServedByRegion = m.ServedBy, m.ServedByPrimary, m.ServedByRegion
	}
	t.mu.Lock()
	t.entries = append(t.entries, e)
	t.mu.Unlock()
	return resp, err
}
