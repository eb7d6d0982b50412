package workloads

import "math/rand/v2"

// Stream is what every generator keeps: its configuration, its own random
// source (derived from the run's seed and the client only, see NewRand) and
// how many ops it has drawn. Generators embed it.
type Stream struct {
	Cfg GenConfig
	Rng *rand.Rand
	seq int
}

// NewStream starts client cfg.Client's stream.
func NewStream(cfg GenConfig) Stream { return Stream{Cfg: cfg, Rng: NewRand(cfg.Seed, cfg.Client)} }

// Step returns the number of the op being drawn (0, 1, 2, …) and counts it.
func (s *Stream) Step() int {
	n := s.seq
	s.seq++
	return n
}

// Owns says whether this client writes one of generation gen's hot keys,
// and which: the generation has min(HotKeys, Peers) of them, handed to the
// variant's clients in rotation (see Rotation), so every hot key has one
// writer and the generator knows every version it writes.
func (s *Stream) Owns(gen int) (key int, ok bool) {
	return Rotation(s.Cfg.Peer, max(s.Cfg.Peers, 1), gen, s.LiveHotKeys())
}

// LiveHotKeys is how many hot keys one generation has: Keys.HotKeys, but
// never more than there are clients to write them, and at least one.
func (s *Stream) LiveHotKeys() int { return min(max(s.Cfg.Keys.HotKeys, 1), max(s.Cfg.Peers, 1)) }
