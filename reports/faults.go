package reports

import (
	"bytes"
	"encoding/json"
	"sort"
	"strings"

	"github.com/d1check/d1check/history"
)

// faultWindow is a fault that was active from Start to End (ns), drawn as
// a shaded band on the time charts.
type faultWindow struct {
	Kind   string // e.g. "pause-replication"
	Detail string // e.g. "region WEUR"
	Start  int64
	End    int64
	// Open is true when the history has the fault's start but not its
	// end: it is drawn to the end of the run.
	Open bool
}

// faultWindows pairs nemesis events into windows. The history format
// fixes only that a nemesis event's f names the fault and its value
// describes it (history/FORMAT.md), so the pairing accepts each way a
// start and an end can be spelt:
//   - value.phase (or value.state) "start" / "end" (also "stop");
//   - an f prefixed or suffixed with start/stop/end ("start-pause-replication",
//     "pause-replication-end");
//   - otherwise events of the same fault (same f and value once phase words
//     are removed) alternate: start, end, start, …
//
// A value with a "for" duration in nanoseconds (and no explicit phase) is
// a whole window by itself. A start with no end runs to the end of the
// history; an end with no start is ignored (it shades nothing).
func faultWindows(nem []history.Event, end int64) []faultWindow {
	open := map[string]int{} // fault identity -> index into out
	var out []faultWindow
	for i := range nem {
		e := &nem[i]
		kind, phase, detail, forNS := describeNemesis(e)
		id := kind + "\x00" + detail
		if phase == "" && forNS > 0 {
			out = append(out, faultWindow{Kind: kind, Detail: detail, Start: e.Time, End: min(e.Time+forNS, max(end, e.Time))})
			continue
		}
		at, isOpen := open[id]
		if phase == "" {
			phase = "start"
			if isOpen {
				phase = "end"
			}
		}
		switch phase {
		case "start":
			if isOpen {
				continue // a repeated start: the fault is already on
			}
			open[id] = len(out)
			out = append(out, faultWindow{Kind: kind, Detail: detail, Start: e.Time, End: end, Open: true})
		case "end":
			if isOpen {
				out[at].End, out[at].Open = e.Time, false
				delete(open, id)
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Start < out[j].Start })
	return out
}

// describeNemesis reads a nemesis event's fault kind, phase ("start",
// "end" or "" when the event does not say), a short human detail, and a
// "for" duration when the value has one.
func describeNemesis(e *history.Event) (kind, phase, detail string, forNS int64) {
	kind = e.F
	for _, p := range []struct{ affix, phase string }{
		{"start-", "start"}, {"stop-", "end"}, {"end-", "end"},
	} {
		if strings.HasPrefix(kind, p.affix) {
			kind, phase = strings.TrimPrefix(kind, p.affix), p.phase
		}
	}
	for _, p := range []struct{ affix, phase string }{
		{"-start", "start"}, {"-stop", "end"}, {"-end", "end"},
	} {
		if strings.HasSuffix(kind, p.affix) {
			kind, phase = strings.TrimSuffix(kind, p.affix), p.phase
		}
	}
	var v map[string]json.RawMessage
	if len(e.Value) == 0 || json.Unmarshal(e.Value, &v) != nil {
		return kind, phase, "", 0
	}
	for _, f := range []string{"phase", "state"} {
		var s string
		if raw, ok := v[f]; ok && json.Unmarshal(raw, &s) == nil {
			switch strings.ToLower(s) {
			case "start", "begin", "on":
				phase = "start"
			case "end", "stop", "off":
				phase = "end"
			}
			delete(v, f)
		}
	}
	if raw, ok := v["for"]; ok {
		var n int64
		if json.Unmarshal(raw, &n) == nil && n > 0 {
			forNS = n
		}
		delete(v, "for")
	}
	return kind, phase, detailOf(v), forNS
}

// detailOf renders the remaining value fields as "region WEUR, lag 2000000",
// in key order, so the same fault always has the same identity.
func detailOf(v map[string]json.RawMessage) string {
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		raw := bytes.TrimSpace(v[k])
		var s string
		if json.Unmarshal(raw, &s) != nil {
			s = string(raw)
		}
		parts = append(parts, k+" "+s)
	}
	d := strings.Join(parts, ", ")
	return clip(d, 120)
}
