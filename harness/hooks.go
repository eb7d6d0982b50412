package harness

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/d1check/d1check/d1"
	"github.com/d1check/d1check/emulator"
)

// hookSwitch lets each run of a Series install its own nemesis's hooks in
// the series' one emulator: an emulator takes its hooks once, at New, and
// the runs' scenarios have different faults. Between runs it holds
// nothing, and the hooks do nothing.
type hookSwitch struct {
	cur atomic.Pointer[emulator.Hooks]
}

// set installs h (nil: none) for the requests and commits that follow.
func (s *hookSwitch) set(h *emulator.Hooks) { s.cur.Store(h) }

// hooks are the emulator's hooks: each calls the current one, if any.
func (s *hookSwitch) hooks() emulator.Hooks {
	return emulator.Hooks{
		Lag: func(region string, pos uint64, drawn time.Duration) time.Duration {
			if h := s.cur.Load(); h != nil && h.Lag != nil {
				return h.Lag(region, pos, drawn)
			}
			return drawn
		},
		BeforeRequest: func(ctx context.Context, region string, req d1.Request) error {
			if h := s.cur.Load(); h != nil && h.BeforeRequest != nil {
				return h.BeforeRequest(ctx, region, req)
			}
			return nil
		},
		AfterRequest: func(ctx context.Context, region string, req d1.Request, err error) error {
			if h := s.cur.Load(); h != nil && h.AfterRequest != nil {
				return h.AfterRequest(ctx, region, req, err)
			}
			return nil
		},
	}
}
