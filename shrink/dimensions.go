package shrink

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/d1check/d1check/scenarios"
)

// dimensions are the ways a run can get smaller, in the order the search
// tries them. Clients come first: a race needs few of them, and with few
// clients the ops that remain are the racing ones. Ops come next because
// fewer ops make every later run cheaper.
func dimensions(s *scenarios.Scenario) []dimension {
	dims := []dimension{
		number{name: "clients", min: 1,
			get:  func(s *scenarios.Scenario) int { return s.Clients },
			with: func(s *scenarios.Scenario, v int) *scenarios.Scenario { c := clone(s); c.Clients = v; return c }},
	}
	if s.Duration > 0 {
		dims = append(dims, number{name: "duration", min: 1, show: millis,
			get: func(s *scenarios.Scenario) int { return ceilMillis(s.Duration) },
			with: func(s *scenarios.Scenario, v int) *scenarios.Scenario {
				c := clone(s)
				c.Duration = time.Duration(v) * time.Millisecond
				return c
			}})
	} else {
		dims = append(dims, number{name: "ops", min: 1,
			get:  func(s *scenarios.Scenario) int { return s.Ops },
			with: func(s *scenarios.Scenario, v int) *scenarios.Scenario { c := clone(s); c.Ops = v; return c }})
	}
	return append(dims,
		number{name: "keys.count", min: 1,
			get:  func(s *scenarios.Scenario) int { return s.Keys.Count },
			with: func(s *scenarios.Scenario, v int) *scenarios.Scenario { c := clone(s); c.Keys.Count = v; return c }},
		choice{name: "keys.hot", alternatives: hotAlternatives},
		number{name: "keys.hot_keys", min: 1,
			get:  func(s *scenarios.Scenario) int { return s.Keys.HotKeys },
			with: func(s *scenarios.Scenario, v int) *scenarios.Scenario { c := clone(s); c.Keys.HotKeys = v; return c }},
		list{name: "variants", keep: 1,
			items: func(s *scenarios.Scenario) []string { return s.Variants },
			without: func(s *scenarios.Scenario, i int) *scenarios.Scenario {
				c := clone(s)
				c.Variants = slices.Delete(c.Variants, i, i+1)
				return c
			}},
		list{name: "faults", items: faultNames,
			without: func(s *scenarios.Scenario, i int) *scenarios.Scenario {
				c := clone(s)
				c.Faults = slices.Delete(c.Faults, i, i+1)
				return c
			}},
		list{name: "replication.regions", items: regionNames,
			without: func(s *scenarios.Scenario, i int) *scenarios.Scenario {
				c := clone(s)
				delete(c.Target.Replication.Regions, regionNames(s)[i])
				if len(c.Target.Replication.Regions) == 0 {
					c.Target.Replication.Regions = nil
				}
				return c
			}},
		lagNumber("replication.lag", 0, func(s *scenarios.Scenario) *scenarios.Lag { return &s.Target.Replication.Lag }),
		// A round trip of zero would put every op at one instant: a
		// timeline nobody can read, and a history where every op overlaps
		// every other, which the linearizability check explores in
		// exponential time.
		lagNumber("round_trip", 1, func(s *scenarios.Scenario) *scenarios.Lag { return &s.Target.RoundTrip }),
	)
}

// hotAlternatives: no hot traffic (0) is simplest, then all traffic on the
// hot keys (1), then any other share. Only simpler values are offered, so
// the search never goes back and forth between two.
func hotAlternatives(s *scenarios.Scenario) (string, []string, []*scenarios.Scenario) {
	from := strconv.FormatFloat(s.Keys.Hot, 'g', -1, 64)
	var to []string
	var with []*scenarios.Scenario
	for _, h := range []float64{0, 1} {
		if h == s.Keys.Hot {
			break
		}
		c := clone(s)
		c.Keys.Hot = h
		to = append(to, strconv.FormatFloat(h, 'g', -1, 64))
		with = append(with, c)
	}
	return from, to, with
}

func faultNames(s *scenarios.Scenario) []string {
	out := make([]string, len(s.Faults))
	for i, f := range s.Faults {
		out[i] = fmt.Sprintf("%s at %s", f.Kind, f.At)
		if f.Region != "" {
			out[i] += " in " + f.Region
		}
	}
	return out
}

func regionNames(s *scenarios.Scenario) []string {
	return slices.Sorted(maps.Keys(s.Target.Replication.Regions))
}

// lagNumber shrinks a lag model as a whole: its size is its largest
// duration in milliseconds, and a smaller size scales every duration of
// the model alike, so a long tail stays a long tail. Size 0 is no lag;
// least is the smallest size tried, in milliseconds.
func lagNumber(name string, least int, lag func(*scenarios.Scenario) *scenarios.Lag) number {
	return number{name: name, min: least, show: millis,
		get: func(s *scenarios.Scenario) int { return ceilMillis(lagSize(*lag(s))) },
		with: func(s *scenarios.Scenario, v int) *scenarios.Scenario {
			c := clone(s)
			l := lag(c)
			*l = scaleLag(*l, float64(v)*float64(time.Millisecond)/float64(lagSize(*l)))
			return c
		}}
}

func lagSize(l scenarios.Lag) time.Duration { return max(l.Constant, l.Max, l.P99) }

// scaleLag multiplies every duration of l by f; 0 is no lag. A duration
// the format requires to be positive stays at least a microsecond.
func scaleLag(l scenarios.Lag, f float64) scenarios.Lag {
	if f == 0 {
		return scenarios.Lag{}
	}
	scale := func(d time.Duration, positive bool) time.Duration {
		out := time.Duration(math.Round(float64(d)*f/float64(time.Microsecond))) * time.Microsecond
		if positive && out <= 0 {
			out = time.Microsecond
		}
		return out
	}
	return scenarios.Lag{
		Constant: scale(l.Constant, false),
		Min:      scale(l.Min, false),
		Max:      scale(l.Max, l.Max > 0),
		P50:      scale(l.P50, l.P50 > 0),
		P99:      scale(l.P99, l.P99 > 0),
	}
}

func ceilMillis(d time.Duration) int {
	return int((d + time.Millisecond - 1) / time.Millisecond)
}

func millis(v int) string { return fmt.Sprintf("%dms", v) }

// clone copies s deeply enough that changing the copy never changes s.
func clone(s *scenarios.Scenario) *scenarios.Scenario {
	c := *s
	c.Variants = slices.Clone(s.Variants)
	c.Faults = slices.Clone(s.Faults)
	c.Target.Replication.Regions = maps.Clone(s.Target.Replication.Regions)
	if s.Expect != nil {
		e := *s.Expect
		c.Expect = &e
	}
	return &c
}
