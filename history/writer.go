package history

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"
)

// Writer streams a history as JSON Lines. It is safe for concurrent use.
//
// Every Append encodes its event and flushes it to the underlying writer
// before returning, so a process killed at any moment leaves a file holding
// every event whose Append returned, plus at most one partial last line,
// which Read drops. The buffer holds one event at a time: memory does not
// grow with the length of the run.
//
// Index and, when the caller asks for it, Time are assigned under the
// writer's lock, so the file's order is index order and its times never go
// backwards, which is exactly what Read checks.
type Writer struct {
	mu     sync.Mutex
	bw     *bufio.Writer
	enc    *json.Encoder
	next   int
	last   int64 // time of the last event written
	err    error // first write error; sticky
	closed bool
}

// ErrClosed is returned by Append after Close.
var ErrClosed = errors.New("history: writer is closed")

// NewWriter writes h as the header line, filling in D1check and Version,
// and returns a Writer for the events. The Writer never closes w; the
// caller owns it.
func NewWriter(w io.Writer, h Header) (*Writer, error) {
	if w == nil {
		return nil, errors.New("history: NewWriter: nil io.Writer")
	}
	h.D1check = "history"
	h.Version = Version
	bw := bufio.NewWriterSize(w, 64<<10)
	hw := &Writer{bw: bw, enc: json.NewEncoder(bw)}
	hw.enc.SetEscapeHTML(false)
	if err := hw.enc.Encode(h); err != nil {
		return nil, fmt.Errorf("history: writing header: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return nil, fmt.Errorf("history: writing header: %w", err)
	}
	return hw, nil
}

// Append writes e with e.Index set to the next index in write order and
// returns that index. An event whose Time is before the previous event's is
// refused: readers reject such a file. Use AppendNow when several
// goroutines record, so that the clock is read in write order.
func (w *Writer) Append(e Event) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.append(e)
}

// AppendNow is Append with e.Time = now(), read under the writer's lock.
// Concurrent recorders need it: reading the clock before taking the lock
// would let a later-stamped event be written first. The lock is held only
// for a clock read and an encode, so an invoke's recorded time is at most
// that much later than the moment the caller decided to invoke, and a
// completion's at most that much later than the moment it completed: both
// only widen the op's interval, which keeps the record sound.
func (w *Writer) AppendNow(e Event, now func() int64) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	e.Time = now()
	return w.append(e)
}

func (w *Writer) append(e Event) (int, error) {
	if w.closed {
		return -1, ErrClosed
	}
	if w.err != nil {
		return -1, w.err
	}
	if e.Time < w.last {
		return -1, fmt.Errorf("history: event time %d is before the previous event's %d", e.Time, w.last)
	}
	e.Index = w.next
	if err := w.enc.Encode(&e); err != nil {
		// An encode error (say, invalid JSON in Value) leaves nothing in the
		// buffer: Encode writes only a complete line. It is this event's
		// problem, not the file's.
		return -1, fmt.Errorf("history: encoding event %d (%s %s): %w", e.Index, e.Type, e.F, err)
	}
	if err := w.bw.Flush(); err != nil {
		w.err = fmt.Errorf("history: writing event %d: %w", e.Index, err)
		return -1, w.err
	}
	w.next++
	w.last = e.Time
	return e.Index, nil
}

// Len is the number of events written so far.
func (w *Writer) Len() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.next
}

// Close flushes and returns the first write error. Appends after Close
// fail with ErrClosed. Close does not close the underlying io.Writer.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return w.err
	}
	w.closed = true
	if w.err == nil {
		if err := w.bw.Flush(); err != nil {
			w.err = fmt.Errorf("history: flushing: %w", err)
		}
	}
	return w.err
}
