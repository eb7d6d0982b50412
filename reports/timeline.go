package reports

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/d1check/d1check/checker"
	"github.com/d1check/d1check/d1"
	"github.com/d1check/d1check/history"
)

// Timeline limits: an anomaly's picture shows its own ops and a few
// concurrent ops on the same key for context, never the whole history.
const (
	maxLanes      = 10
	maxContextOps = 24
	maxSpans      = 80 // bars per timeline, involved ops first
	laneH         = 34.0
	laneLabelW    = 150.0 // fits "process 1234 · c12-r345" at the labels' bold 10px
)

// span is one op on a timeline: an invoke and its completion.
type span struct {
	Invoke, Complete int // positions in History.Events; Complete -1 if none
	Involved         bool
	Stale            bool // served by a replica: the read that went stale
}

// eventIndex finds events by their Index field. The reader guarantees
// Index equals position; a History built in memory might not, so a map is
// built lazily in that case.
type eventIndex struct {
	evs []history.Event
	by  map[int]int
}

func (x *eventIndex) pos(idx int) (int, bool) {
	if idx >= 0 && idx < len(x.evs) && x.evs[idx].Index == idx {
		return idx, true
	}
	if x.by == nil {
		x.by = make(map[int]int, len(x.evs))
		for i := range x.evs {
			x.by[x.evs[i].Index] = i
		}
	}
	p, ok := x.by[idx]
	return p, ok
}

// partners maps every invoke position to its completion position and back
// (-1 when there is none), in one pass.
func partners(evs []history.Event) []int32 {
	out := make([]int32, len(evs))
	open := map[int]int32{}
	for i := range evs {
		out[i] = -1
		switch evs[i].Type {
		case history.Invoke:
			open[evs[i].Process] = int32(i)
		case history.OK, history.Fail, history.Info:
			if inv, ok := open[evs[i].Process]; ok {
				out[i], out[inv] = inv, int32(i)
				delete(open, evs[i].Process)
			}
		}
	}
	return out
}

// timelineData is what a run's timelines need besides the anomaly: built
// once per run, and only when the run has anomalies to draw.
type timelineData struct {
	h       *history.History
	idx     *eventIndex
	partner []int32
	// byKey lists the invoke positions of every op on a key some drawn
	// anomaly involves, in time order.
	byKey   map[string][]int
	faults  []faultWindow
	commits *checker.CommitIndex
}

func newTimelineData(h *history.History, drawn []checker.Anomaly, st *stats) *timelineData {
	td := &timelineData{h: h, idx: &eventIndex{evs: h.Events}, partner: partners(h.Events), byKey: map[string][]int{},
		faults: st.Faults, commits: st.Commits}
	keys := map[string]bool{}
	for _, a := range drawn {
		for _, e := range a.Events {
			if p, ok := td.idx.pos(e); ok {
				keys[h.Events[p].Key] = true
			}
		}
	}
	for i := range h.Events {
		if e := &h.Events[i]; e.Type == history.Invoke && keys[e.Key] {
			td.byKey[e.Key] = append(td.byKey[e.Key], i)
		}
	}
	return td
}

// spans returns the anomaly's ops, then up to maxContextOps other ops on
// the same keys that overlap its time window.
func (td *timelineData) spans(a checker.Anomaly) (out []span, from, to int64) {
	seen := map[int]bool{}
	evs := td.h.Events
	from, to = int64(1<<62), int64(-1)
	for _, idx := range a.Events {
		p, ok := td.idx.pos(idx)
		if !ok {
			continue
		}
		inv, done := p, int(td.partner[p])
		if evs[p].Type != history.Invoke {
			inv, done = int(td.partner[p]), p
		}
		if inv < 0 || seen[inv] {
			if inv < 0 && !seen[-1-done] { // a completion whose invoke is missing
				seen[-1-done] = true
				out = append(out, span{Invoke: done, Complete: done, Involved: true})
			}
			continue
		}
		seen[inv] = true
		sp := span{Invoke: inv, Complete: done, Involved: true}
		if done >= 0 {
			sp.Stale = staleRead(td.commits, &evs[inv], &evs[done])
		}
		out = append(out, sp)
	}
	for _, sp := range out {
		from = min(from, evs[sp.Invoke].Time)
		to = max(to, td.endOf(sp))
	}
	if len(out) == 0 {
		return nil, 0, 0
	}
	keys := map[string]bool{}
	for _, sp := range out {
		keys[evs[sp.Invoke].Key] = true
	}
	extra := 0
	for k := range keys {
		for _, inv := range td.byKey[k] {
			if extra >= maxContextOps || evs[inv].Time > to {
				break
			}
			sp := span{Invoke: inv, Complete: int(td.partner[inv])}
			if seen[inv] || td.endOf(sp) < from {
				continue
			}
			seen[inv] = true
			out = append(out, sp)
			extra++
		}
	}
	return out, from, to
}

// endOf is when an op's bar ends: its completion, or the end of the history
// for an op that never completed.
func (td *timelineData) endOf(sp span) int64 {
	if sp.Complete >= 0 {
		return td.h.Events[sp.Complete].Time
	}
	return td.h.Events[len(td.h.Events)-1].Time
}

// servedLabel is the short "served by" tag of an op: who served its first
// read, else its first statement.
func servedLabel(e *history.Event) string {
	for i := range e.Trace {
		if d1.ClassifySQL(e.Trace[i].SQL).Reads() {
			return serverLabel(&e.Trace[i])
		}
	}
	if len(e.Trace) > 0 {
		return serverLabel(&e.Trace[0])
	}
	return ""
}

// textWidth estimates a label's width in SVG units at the labels' 10px
// font: enough to keep labels from overlapping without measuring text.
func textWidth(s string) float64 { return 5.6 * float64(utf8.RuneCountInString(s)) }

// compactJSON shortens an event value for a bar label.
func compactJSON(v json.RawMessage) string {
	if len(v) == 0 {
		return ""
	}
	var b bytes.Buffer
	if json.Compact(&b, v) != nil {
		return clip(string(v), 40)
	}
	return clip(b.String(), 40)
}

// timelineSVG draws the anomaly's ops with processes as lanes and each op
// as a bar from invoke to completion. The anomaly's ops are outlined; a
// read a replica served is highlighted; each bar carries who served it.
func (td *timelineData) timelineSVG(a checker.Anomaly) template.HTML {
	spans, from, to := td.spans(a)
	if len(spans) == 0 {
		return ""
	}
	evs := td.h.Events
	// Lanes: involved processes first, in order of their first op.
	sort.SliceStable(spans, func(i, j int) bool {
		if spans[i].Involved != spans[j].Involved {
			return spans[i].Involved
		}
		return evs[spans[i].Invoke].Time < evs[spans[j].Invoke].Time
	})
	lane := map[int]int{}
	var lanes []int
	var drawn []span
	for _, sp := range spans {
		p := evs[sp.Invoke].Process
		if _, ok := lane[p]; !ok {
			if len(lanes) >= maxLanes {
				continue
			}
			lane[p] = len(lanes)
			lanes = append(lanes, p)
		}
		if len(drawn) < maxSpans {
			drawn = append(drawn, sp)
		}
	}
	pad := max((to-from)/10, 1)
	from, to = max(from-pad, 0), to+pad
	h := 34 + laneH*float64(len(lanes)) + 24
	s := newSVG(chartW, h, fmt.Sprintf("Timeline of the %s anomaly: processes as lanes, ops as bars", a.Kind))
	p := plot{x0: laneLabelW, y0: 30, w: chartW - laneLabelW - 12, h: laneH * float64(len(lanes))}
	xOf := func(t int64) float64 { return p.x0 + float64(t-from)/float64(to-from)*p.w }
	for _, f := range td.faults {
		if f.End < from || f.Start > to {
			continue
		}
		x1, x2 := xOf(max(f.Start, from)), xOf(min(f.End, to))
		s.rect(x1, p.y0, max(x2-x1, 1.5), p.h, "fault", faultTip(f))
	}
	for i, proc := range lanes {
		y := p.y0 + laneH*float64(i)
		if i%2 == 1 {
			s.rect(p.x0, y, p.w, laneH, "lane-alt", "")
		}
		label := fmt.Sprintf("process %d", proc)
		if sess := laneSession(drawn, evs, proc); sess != "" {
			label += " · " + clip(sess, 10)
		}
		s.text(p.x0-8, y+laneH/2+4, "end", "axis strong", label)
	}
	s.legend([][2]string{{"op-involved", "in the anomaly"}, {"op-stale", "stale replica read"}, {"op-context", "same key, concurrent"}})
	labelEnd := make([]float64, len(lanes)) // right edge of each lane's last label
	for _, sp := range drawn {
		td.drawSpan(s, sp, p, lane[evs[sp.Invoke].Process], xOf, to, labelEnd)
	}
	s.timeAxis(p, from, to)
	s.line(p.x0, p.y0+p.h, p.x0+p.w, p.y0+p.h, "baseline")
	return s.done()
}

// laneSession is the session of every op drawn in a process's lane, or ""
// when they do not share one (a fresh session per request).
func laneSession(spans []span, evs []history.Event, proc int) string {
	sess, first := "", true
	for _, sp := range spans {
		if e := &evs[sp.Invoke]; e.Process == proc {
			if !first && e.Session != sess {
				return ""
			}
			sess, first = e.Session, false
		}
	}
	return sess
}

// drawSpan draws one op bar and, for an op in the anomaly, its label:
// "f → result · served by", shortened to "→ result · served by" or just
// who served it when the full label would overlap an earlier one in the
// same lane. Every bar keeps the whole story in its tooltip.
func (td *timelineData) drawSpan(s *svg, sp span, p plot, lane int, xOf func(int64) float64, to int64, labelEnd []float64) {
	evs := td.h.Events
	inv := &evs[sp.Invoke]
	end, typ := min(td.endOf(sp), to), history.Info
	var done *history.Event
	if sp.Complete >= 0 {
		done = &evs[sp.Complete]
		typ = done.Type
	}
	class := "op-context"
	switch {
	case sp.Stale:
		class = "op-stale"
	case sp.Involved:
		class = "op-involved"
	}
	if typ != history.OK {
		class += " op-" + string(typ)
	}
	x1, x2 := xOf(inv.Time), xOf(end)
	top := p.y0 + laneH*float64(lane)
	tip := fmt.Sprintf("event %d %s %s %s at %s", inv.Index, inv.F, inv.Key, compactJSON(inv.Value), fmtMS(float64(inv.Time)))
	var result, served string
	if done != nil {
		out := compactJSON(done.Value)
		if done.Error != "" {
			out = clip(done.Error, 80)
		}
		tip += fmt.Sprintf(" → event %d %s %s at %s", done.Index, done.Type, out, fmtMS(float64(done.Time)))
		if v := compactJSON(done.Value); v != "" {
			result = " → " + v
		} else if done.Type != history.OK {
			result = " → " + string(done.Type)
		}
		if served = servedLabel(done); served != "" {
			tip += "; served by " + served
			served = " · " + served
		}
	}
	s.rect(x1, top+15, max(x2-x1, 2), 14, class, tip)
	if !sp.Involved {
		return // context ops are many and short: their text is the tooltip
	}
	for _, label := range []string{inv.F + result + served, strings.TrimSpace(result + served), strings.TrimPrefix(served, " · ")} {
		if label == "" {
			continue
		}
		label = clip(label, 72)
		w := textWidth(label)
		left, anchor, x := x1+1, "start", x1+1
		if x1 >= p.x0+p.w*0.5 {
			left, anchor, x = max(x2, x1+2)-1-w, "end", max(x2, x1+2)-1
		}
		if labelEnd[lane] > 0 && left < labelEnd[lane]+6 {
			continue
		}
		labelEnd[lane] = left + w
		s.text(x, top+11, anchor, "op-label", label)
		return
	}
}
