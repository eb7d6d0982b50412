package scenarios

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Format writes s as a scenario file that Parse reads back to an equal
// Scenario (File aside). Programs that make scenarios — the shrinker —
// write them through Format, so a generated file is as readable and as
// strictly checked as a hand-written one. Every field is written, defaults
// too: a generated scenario must not change meaning when a default does.
func Format(s *Scenario) []byte {
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	line("name: %s", s.Name)
	line("workload: %s", s.Workload)
	line("variants: [%s]", strings.Join(s.Variants, ", "))
	line("bookmarks: %s", s.Bookmarks)
	line("clients: %d", s.Clients)
	if s.Duration > 0 {
		line("duration: %s", s.Duration)
	} else {
		line("ops: %d", s.Ops)
	}
	line("keys: {count: %d, hot: %s, hot_keys: %d}", s.Keys.Count, strconv.FormatFloat(s.Keys.Hot, 'g', -1, 64), s.Keys.HotKeys)
	line("target:")
	line("  kind: %s", s.Target.Kind)
	if s.Target.URL != "" {
		line("  url: %q", s.Target.URL)
	}
	if s.Target.Time != "" {
		line("  time: %s", s.Target.Time)
	}
	if s.Target.RoundTrip != (Lag{}) {
		line("  round_trip: %s", formatLag(s.Target.RoundTrip))
	}
	if rep := s.Target.Replication; rep.Lag != (Lag{}) || len(rep.Regions) > 0 {
		line("  replication:")
		if rep.Lag != (Lag{}) {
			line("    lag: %s", formatLag(rep.Lag))
		}
		if len(rep.Regions) > 0 {
			line("    regions:")
			regions := make([]string, 0, len(rep.Regions))
			for r := range rep.Regions {
				regions = append(regions, r)
			}
			slices.Sort(regions)
			for _, r := range regions {
				line("      %s: %s", r, formatLag(rep.Regions[r]))
			}
		}
	}
	if len(s.Faults) > 0 {
		line("faults:")
		for _, f := range s.Faults {
			line("  - %s", formatFault(f))
		}
	}
	line("seed: %d", s.Seed)
	if e := s.Expect; e != nil {
		fields := []string{"verdict: " + e.Verdict}
		if len(e.Anomalies) > 0 {
			fields = append(fields, "anomalies: ["+strings.Join(e.Anomalies, ", ")+"]")
		}
		if len(e.Allow) > 0 {
			fields = append(fields, "allow: ["+strings.Join(e.Allow, ", ")+"]")
		}
		if r := e.Real; r != nil {
			real := []string{"anomalies: [" + strings.Join(r.Anomalies, ", ") + "]"}
			if len(r.Allow) > 0 {
				real = append(real, "allow: ["+strings.Join(r.Allow, ", ")+"]")
			}
			fields = append(fields, "real: {"+strings.Join(real, ", ")+"}")
		}
		line("expect: {%s}", strings.Join(fields, ", "))
	}
	return []byte(b.String())
}

// formatLag writes a Lag in its one form; the zero Lag is {constant: 0s}.
func formatLag(l Lag) string {
	switch {
	case l.P50 != 0 || l.P99 != 0:
		return fmt.Sprintf("{p50: %s, p99: %s}", l.P50, l.P99)
	case l.Max != 0:
		return fmt.Sprintf("{min: %s, max: %s}", l.Min, l.Max)
	}
	return fmt.Sprintf("{constant: %s}", l.Constant)
}

func formatFault(f Fault) string {
	fields := []string{"at: " + f.At.String(), "kind: " + f.Kind}
	if f.Region != "" {
		fields = append(fields, "region: "+f.Region)
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"for", f.For}, {"lag", f.Lag}, {"delay", f.Delay}} {
		if d.v != 0 {
			fields = append(fields, d.name+": "+d.v.String())
		}
	}
	if f.Snapshot != 0 {
		fields = append(fields, "snapshot: "+strconv.Itoa(f.Snapshot))
	}
	return "{" + strings.Join(fields, ", ") + "}"
}
