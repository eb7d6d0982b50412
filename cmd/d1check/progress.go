package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// progress shows a run's progress on stderr: a bar redrawn in place on a
// terminal, a plain line every few seconds otherwise (CI logs).
type progress struct {
	w        io.Writer
	label    string
	tty      bool
	start    time.Time
	mu       sync.Mutex
	last     time.Time
	drawn    bool
	interval time.Duration
}

func newProgress(w io.Writer, label string) *progress {
	p := &progress{w: w, label: label, start: time.Now(), interval: 5 * time.Second}
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			p.tty, p.interval = true, 200*time.Millisecond
		}
	}
	return p
}

// update is harness.Options.Progress; planned is 0 for a duration-bound run.
func (p *progress) update(done, planned int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if now.Sub(p.last) < p.interval {
		return
	}
	p.last = now
	elapsed := now.Sub(p.start)
	rate := float64(done) / elapsed.Seconds()
	msg := fmt.Sprintf("%s: %d ops, %.0f ops/s, %s", p.label, done, rate, elapsed.Round(time.Second))
	if planned > 0 {
		frac := min(float64(done)/float64(planned), 1)
		if p.tty {
			const width = 24
			n := int(frac * width)
			msg = fmt.Sprintf("%s [%s%s] %3.0f%%  %d/%d ops  %.0f ops/s", p.label, strings.Repeat("#", n), strings.Repeat(".", width-n), frac*100, done, planned, rate)
		} else {
			msg = fmt.Sprintf("%s: %d/%d ops (%.0f%%), %.0f ops/s", p.label, done, planned, frac*100, rate)
		}
	}
	if p.tty {
		fmt.Fprintf(p.w, "\r\033[K%s", msg)
		p.drawn = true
	} else {
		fmt.Fprintln(p.w, msg)
	}
}

// done clears the bar so the next output starts on a clean line.
func (p *progress) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprint(p.w, "\r\033[K")
	}
}

// progressBars shows one progress after another (a shrink's runs) on a
// writer that other lines are written to between them: each line clears
// the bar first, so that on a terminal it does not run into the bar.
type progressBars struct {
	mu  sync.Mutex
	cur *progress
}

// start shows a new progress in place of the last.
func (b *progressBars) start(w io.Writer, label string) *progress {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.cur = newProgress(w, label)
	return b.cur
}

// done clears the current bar, if any.
func (b *progressBars) done() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.cur != nil {
		b.cur.done()
	}
}

// writer is w with the current bar cleared before each write.
func (b *progressBars) writer(w io.Writer) io.Writer {
	return writerFunc(func(p []byte) (int, error) {
		b.done()
		return w.Write(p)
	})
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
