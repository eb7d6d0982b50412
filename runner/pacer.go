package runner

import (
	"context"
	"math"
	"sync"

	"github.com/d1check/d1check/sim"
)

// pacer keeps clients within maxSkew ops of the slowest unfinished client.
// Generators name hot keys after a generation of op numbers; without
// pacing, clients drift apart over a long run and stop meeting on the same
// fresh key at the same moment. Pacing only delays a client: it never
// changes which ops it runs, so a seed still replays the same traffic.
// Clients wait on a Cond of the run's clock, so that a simulated run
// schedules them.
type pacer struct {
	skew     int // < 0: unbounded
	mu       sync.Mutex
	moved    sim.Cond // broadcast when min changes
	progress []int    // ops completed per client; math.MaxInt once finished
	min      int
}

func newPacer(clock sim.Clock, clients, skew int) *pacer {
	return &pacer{skew: skew, progress: make([]int, clients), moved: clock.NewCond()}
}

// wait blocks client c before its op number n until n is within skew of
// the slowest client, or ctx is done (then it returns ctx's error).
func (p *pacer) wait(ctx context.Context, n int) error {
	if p.skew < 0 {
		return nil
	}
	for {
		p.mu.Lock()
		if n-p.skew <= p.min {
			p.mu.Unlock()
			return nil
		}
		mark := p.moved.Mark()
		p.mu.Unlock()
		if err := p.moved.Wait(ctx, mark, 0); err != nil {
			return err
		}
	}
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
		p.moved.Broadcast()
	}
}

// finish takes client c out of the reckoning: a client that has stopped
// must not hold the others back.
func (p *pacer) finish(c int) { p.advance(c, math.MaxInt) }
