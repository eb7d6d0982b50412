package sim

import (
	"context"
	"sync"
	"time"
)

// Real is the machine's clock.
type Real struct{}

// Now implements Clock.
func (Real) Now() time.Time { return time.Now() }

// Sleep implements Clock.
func (Real) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Yield implements Clock: goroutines are preempted anyway.
func (Real) Yield() {}

// Go implements Clock.
func (Real) Go(_ string, f func()) { go f() }

// AfterFunc implements Clock.
func (Real) AfterFunc(d time.Duration, f func()) Timer { return time.AfterFunc(d, f) }

// WithTimeout implements Clock.
func (Real) WithTimeout(parent context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(parent, d)
}

// Run implements Clock: f runs on the caller's goroutine.
func (Real) Run(_ context.Context, f func()) error {
	f()
	return nil
}

// Simulated implements Clock.
func (Real) Simulated() bool { return false }

// NewCond implements Clock.
func (Real) NewCond() Cond { return &realCond{ch: make(chan struct{})} }

// realCond closes and replaces a channel on every Broadcast.
type realCond struct {
	mu  sync.Mutex
	gen uint64
	ch  chan struct{}
}

func (c *realCond) Broadcast() {
	c.mu.Lock()
	c.gen++
	close(c.ch)
	c.ch = make(chan struct{})
	c.mu.Unlock()
}

func (c *realCond) Mark() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

func (c *realCond) Wait(ctx context.Context, mark uint64, timeout time.Duration) error {
	c.mu.Lock()
	if c.gen != mark {
		c.mu.Unlock()
		return nil
	}
	ch := c.ch
	c.mu.Unlock()
	var expired <-chan time.Time
	if timeout > 0 {
		t := time.NewTimer(timeout)
		defer t.Stop()
		expired = t.C
	}
	select {
	case <-ch:
		return nil
	case <-expired:
		return ErrTimeout
	case <-ctx.Done():
		return ctx.Err()
	}
}
