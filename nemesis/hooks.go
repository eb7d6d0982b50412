package nemesis

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/d1check/d1check/d1"
	"github.com/d1check/d1check/emulator"
	"github.com/d1check/d1check/sim"
)

// LostAnswerMessage is the error a request-timeout fault gives a request
// whose answer it loses. It is D1's documented transient "Network
// connection lost.", so d1.Indeterminate holds and a write is recorded as
// info, never fail.
const LostAnswerMessage = "Network connection lost. (d1check nemesis: request-timeout)"

// DefaultRequestDeadline is the per-op deadline RequestDeadline hands a
// runner during a request-timeout fault whose Delay is unset.
const DefaultRequestDeadline = 2 * time.Millisecond

// state is which faults are active now. The request path reads it on every
// request, so the common case — nothing active — is one atomic load.
type state struct {
	clock  sim.Clock
	faults []Fault
	count  atomic.Int32
	mu     sync.Mutex
	active []bool // by fault index
	// before and after count the requests a request-timeout covers, to
	// lose every third before it runs and every second of the rest after.
	before, after atomic.Uint64
}

func newState(faults []Fault) *state {
	return &state{faults: faults, active: make([]bool, len(faults))}
}

func (s *state) set(i int, on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.active[i] == on {
		return
	}
	s.active[i] = on
	if on {
		s.count.Add(1)
	} else {
		s.count.Add(-1)
	}
}

// matching calls f for every active fault of kind that covers region ("" in
// a fault means every region; region "" is the primary, which only
// region-less faults cover).
func (s *state) matching(kind, region string, f func(Fault)) {
	if s.count.Load() == 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, on := range s.active {
		if on && s.faults[i].Kind == kind && (s.faults[i].Region == "" || s.faults[i].Region == region) {
			f(s.faults[i])
		}
	}
}

// Hooks returns emulator hooks that apply the nemesis's faults and then
// call base's, so the caller's own hooks keep working. Install them in
// emulator.Config.Hooks before emulator.New.
func (n *Nemesis) Hooks(base emulator.Hooks) emulator.Hooks {
	s := n.state
	return emulator.Hooks{
		Lag: func(region string, pos uint64, drawn time.Duration) time.Duration {
			s.matching(LagSpike, region, func(f Fault) { drawn = max(drawn, f.Lag) })
			if base.Lag != nil {
				return base.Lag(region, pos, drawn)
			}
			return drawn
		},
		BeforeRequest: func(ctx context.Context, region string, req d1.Request) error {
			if err := s.beforeRequest(ctx, region); err != nil {
				return err
			}
			if base.BeforeRequest != nil {
				return base.BeforeRequest(ctx, region, req)
			}
			return nil
		},
		AfterRequest: func(ctx context.Context, region string, req d1.Request, err error) error {
			if herr := s.afterRequest(region, err); herr != nil {
				return herr
			}
			if base.AfterRequest != nil {
				return base.AfterRequest(ctx, region, req, err)
			}
			return nil
		},
	}
}

// beforeRequest slows the primary and loses some requests before they run.
func (s *state) beforeRequest(ctx context.Context, region string) error {
	if s.count.Load() == 0 {
		return nil
	}
	var delay time.Duration
	if region == "" {
		s.matching(SlowPrimary, "", func(f Fault) { delay = max(delay, f.Delay) })
	}
	if err := s.clock.Sleep(ctx, delay); err != nil {
		return err
	}
	if s.losing(region) && s.before.Add(1)%3 == 0 {
		return lostAnswer()
	}
	return nil
}

// afterRequest loses the answer of some requests that did run: of the
// requests a request-timeout covers, about a third are lost before they
// run (beforeRequest) and a third after, so a history gets both kinds of
// info op — one that did not take effect and one that did.
func (s *state) afterRequest(region string, err error) error {
	if err != nil || !s.losing(region) {
		return nil
	}
	if s.after.Add(1)%2 == 0 {
		return lostAnswer()
	}
	return nil
}

func (s *state) losing(region string) bool {
	on := false
	s.matching(RequestTimeout, region, func(Fault) { on = true })
	return on
}

func lostAnswer() error {
	return &d1.Error{Kind: d1.KindTransient, Message: LostAnswerMessage}
}

// DropBookmark is the runner's seam for drop-bookmark: it reports whether
// a client in region must forget its carried bookmark before its next
// request (and so start a new session).
func (n *Nemesis) DropBookmark(region string) bool {
	drop := false
	n.state.matching(DropBookmark, region, func(Fault) { drop = true })
	return drop
}

// RequestDeadline is the runner's seam for request-timeout on targets that
// cannot lose answers themselves: while such a fault covers region it
// returns the deadline to give the next op (the fault's Delay, or
// DefaultRequestDeadline), so ops that overrun it become info.
func (n *Nemesis) RequestDeadline(region string) (time.Duration, bool) {
	var d time.Duration
	n.state.matching(RequestTimeout, region, func(f Fault) {
		fd := f.Delay
		if fd == 0 {
			fd = DefaultRequestDeadline
		}
		if d == 0 || fd < d {
			d = fd
		}
	})
	return d, d > 0
}
