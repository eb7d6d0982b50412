package sim

import (
	"context"
	"sync"
)

// Group is a sync.WaitGroup on a Clock: its Wait blocks through the
// clock, so an actor may wait for the actors it started.
type Group struct {
	clock Clock
	done  Cond
	mu    sync.Mutex
	n     int
}

// NewGroup returns an empty group on c.
func NewGroup(c Clock) *Group { return &Group{clock: c, done: c.NewCond()} }

// Go starts f as one of the group's members.
func (g *Group) Go(name string, f func()) {
	g.mu.Lock()
	g.n++
	g.mu.Unlock()
	g.clock.Go(name, func() {
		defer func() {
			g.mu.Lock()
			g.n--
			last := g.n == 0
			g.mu.Unlock()
			if last {
				g.done.Broadcast()
			}
		}()
		f()
	})
}

// Wait blocks until every member has returned.
func (g *Group) Wait() {
	for {
		g.mu.Lock()
		if g.n == 0 {
			g.mu.Unlock()
			return
		}
		mark := g.done.Mark()
		g.mu.Unlock()
		g.done.Wait(context.Background(), mark, 0)
	}
}
