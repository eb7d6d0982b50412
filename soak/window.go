package soak

import (
	"time"

	"github.com/d1check/d1check/scenarios"
)

// windowScenario is s as window w of length d runs it: bounded by time
// only, with a seed of its own (so windows do not replay the same
// traffic), and its fault schedule scaled from s's duration to d when s
// has one, so that a short window still goes through every fault.
func windowScenario(s *scenarios.Scenario, w int, d time.Duration) *scenarios.Scenario {
	ws := *s
	ws.Ops, ws.Duration, ws.Seed = 0, d, s.Seed+int64(w)
	ws.Faults = append([]scenarios.Fault(nil), s.Faults...)
	if s.Duration > 0 && d != s.Duration {
		scale := func(t time.Duration) time.Duration {
			return time.Duration(float64(t) * float64(d) / float64(s.Duration))
		}
		for i := range ws.Faults {
			ws.Faults[i].At, ws.Faults[i].For = scale(ws.Faults[i].At), scale(ws.Faults[i].For)
		}
	}
	return &ws
}
