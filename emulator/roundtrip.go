package emulator

import (
	"math/rand/v2"
	"sync"
	"time"
)

// roundTrip draws each request's network time from Config.RoundTrip, on a
// generator of its own so that it never disturbs the replicas' lag draws.
type roundTrip struct {
	model LagModel
	mu    sync.Mutex
	rng   *rand.Rand
}

func newRoundTrip(m LagModel, seed int64) *roundTrip {
	return &roundTrip{model: m, rng: rand.New(rand.NewPCG(uint64(seed), 0x5254)) /* "RT" */}
}

func (rt *roundTrip) draw() time.Duration {
	if rt.model == (LagModel{}) {
		return 0
	}
	rt.mu.Lock()
	defer rt.mu.Unlock()
	return rt.model.Draw(rt.rng)
}
