package runner

import (
	"context"
	"math"
	"sync"
)

// pacer keeps clients within maxSkew ops of the slowest unfinished client.
// Generators name hot keys after a generation of op numbers; without
// pacing, clients drift apart over a long run and stop meeting on the same
// fresh key at the same moment. Pacing only delays a client: it never
// changes which ops it runs, so a seed still replays the same traffic.
type pacer struct {
	skew     int // < 0: unbounded
	mu       sync.Mutex
	cond     *sync.Cond
	progress []int // ops completed per client; math.MaxInt once finished
	min      int
}

func newPacer(clients, skew int) *pacer {
	p := &pacer{skew: skew, progress: make([]int, clients)}
	p.cond = sync.NewCond(&p.mu)
	return p
}

// wait blocks client c before its op number n until n is within skew of
// the slowest client, or ctx is done (then it returns ctx's error). The
// caller must have arranged for wake to run when ctx is done.
func (p *pacer) wait(ctx context.Context, n int) error {
	if p.skew < 0 {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for n-p.skew > p.min {
		if err := ctx.Err(); err != nil {
			return err
		}
		p.cond.Wait()
	}
	return nil
}

// advance records that client c has completed n ops.
func (p *pacer) advance(c, n int) {
	if p.skew < 0 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.progress[c] = n
	m := math.MaxInt
	for _, x := range p.progress {
		m = min(m, x)
	}
	if m != p.min {
		p.min = m
		p.cond.Broadcast()
	}
}

// finish takes client c out of the reckoning: a client that has stopped
// must not hold the others back.
func (p *pacer) finish(c int) { p.advance(c, math.MaxInt) }

// wake releases every waiter so it can notice its context is done.
func (p *pacer) wake() {
	p.mu.Lock()
	p.cond.Broadcast()
	p.mu.Unlock()
}
