package reports

import (
	"fmt"
	"html/template"
	"math"
	"sort"
	"strings"
)

// Chart sizes, in SVG user units (the page scales them to its width).
const (
	chartW      = 760.0
	chartH      = 240.0
	maxServers  = 12 // latency groups; the rest are merged into "other"
	otherServer = "other"
)

// percentiles of the latency chart.
var percentiles = []struct {
	p     float64
	name  string
	class string
}{{0.50, "p50", "s-p50"}, {0.90, "p90", "s-p90"}, {0.99, "p99", "s-p99"}}

// percentile is the nearest-rank percentile of sorted samples.
func percentile(sorted []int64, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(p*float64(len(sorted)))) - 1
	return float64(sorted[max(0, min(i, len(sorted)-1))])
}

// serverOrder sorts latency groups: the primary, then replicas by region,
// then anything else; more than maxServers groups are cut to the busiest,
// the rest merged into "other" so a hostile trace cannot make the chart
// unreadable.
func serverOrder(lat map[string][]int64) ([]string, map[string][]int64) {
	names := make([]string, 0, len(lat))
	for n := range lat {
		names = append(names, n)
	}
	if len(names) > maxServers {
		sort.Slice(names, func(i, j int) bool { return len(lat[names[i]]) > len(lat[names[j]]) })
		merged := map[string][]int64{}
		for i, n := range names {
			if i < maxServers-1 {
				merged[n] = lat[n]
			} else {
				merged[otherServer] = append(merged[otherServer], lat[n]...)
			}
		}
		lat = merged
		names = names[:maxServers-1]
		names = append(names, otherServer)
	}
	rank := func(n string) int {
		switch {
		case n == labelPrimary:
			return 0
		case strings.HasSuffix(n, replicaSuffix):
			return 1
		case n == otherServer || n == labelUnknown || n == labelUntraced:
			return 3
		}
		return 2
	}
	sort.Slice(names, func(i, j int) bool {
		if ri, rj := rank(names[i]), rank(names[j]); ri != rj {
			return ri < rj
		}
		return names[i] < names[j]
	})
	return names, lat
}

// latencyChart draws p50/p90/p99 bars per server. It sorts each group's
// samples in place.
func latencyChart(lat map[string][]int64) template.HTML {
	names, lat := serverOrder(lat)
	if len(names) == 0 {
		return ""
	}
	type row struct{ v [3]float64 }
	rows := make([]row, len(names))
	maxV := 0.0
	for i, n := range names {
		xs := lat[n]
		sort.Slice(xs, func(a, b int) bool { return xs[a] < xs[b] })
		for j, p := range percentiles {
			rows[i].v[j] = percentile(xs, p.p)
			maxV = max(maxV, rows[i].v[j])
		}
	}
	s := newSVG(chartW, chartH, "Latency by who served the statement: p50, p90 and p99")
	p := plot{x0: 64, y0: 26, w: chartW - 76, h: chartH - 26 - 46}
	top := s.yAxis(p, maxV, fmtMS)
	var legend [][2]string
	for _, pc := range percentiles {
		legend = append(legend, [2]string{pc.class, pc.name})
	}
	s.legend(legend)
	gw := p.w / float64(len(names))
	bw := math.Min(22, gw*0.8/3)
	for i, n := range names {
		gx := p.x0 + gw*float64(i) + (gw-3*bw)/2
		for j, pc := range percentiles {
			v := rows[i].v[j]
			h := v / top * p.h
			s.rect(gx+bw*float64(j), p.y0+p.h-h, bw-2, h, pc.class,
				fmt.Sprintf("%s %s: %s over %s statements", n, pc.name, fmtMS(v), fmtCount(len(lat[n]))))
		}
		cx := p.x0 + gw*float64(i) + gw/2
		s.text(cx, p.y0+p.h+16, "middle", "axis strong", clip(n, 18))
		s.text(cx, p.y0+p.h+30, "middle", "axis", "n="+fmtCount(len(lat[n])))
	}
	s.line(p.x0, p.y0+p.h, p.x0+p.w, p.y0+p.h, "baseline")
	return s.done()
}

// stalenessLabels names the histogram's buckets: "0", "1", "2", "3–4", …
func stalenessLabel(i int) string {
	lo := stalenessEdges[i]
	if i == len(stalenessEdges)-1 {
		return fmt.Sprintf("%d+", lo)
	}
	hi := stalenessEdges[i+1] - 1
	if hi == lo {
		return fmt.Sprint(lo)
	}
	return fmt.Sprintf("%d–%d", lo, hi)
}

// stalenessChart is a histogram of how many commits behind each replica
// read was.
func stalenessChart(st staleness) template.HTML {
	if st.Reads == 0 {
		return ""
	}
	last := 0
	for i, n := range st.Behind {
		if n > 0 {
			last = i
		}
	}
	last = max(last, 3) // always show 0..3–4 so "all fresh" reads as such
	maxV := 0.0
	for _, n := range st.Behind[:last+1] {
		maxV = max(maxV, float64(n))
	}
	s := newSVG(chartW, chartH, "Replica reads by how many commits behind they were served")
	p := plot{x0: 64, y0: 26, w: chartW - 76, h: chartH - 26 - 46}
	top := s.yAxis(p, maxV, func(v float64) string { return fmtCount(int(v)) })
	s.legend([][2]string{{"s-fresh", "up to date"}, {"s-stale", "behind"}})
	bw := p.w / float64(last+1)
	for i := 0; i <= last; i++ {
		n := st.Behind[i]
		h := float64(n) / top * p.h
		class := "s-stale"
		if i == 0 {
			class = "s-fresh"
		}
		x := p.x0 + bw*float64(i)
		s.rect(x+bw*0.12, p.y0+p.h-h, bw*0.76, h, class,
			fmt.Sprintf("%s reads %s commits behind", fmtCount(n), stalenessLabel(i)))
		if n > 0 {
			s.text(x+bw/2, p.y0+p.h-h-4, "middle", "axis", fmtCount(n))
		}
		s.text(x+bw/2, p.y0+p.h+16, "middle", "axis strong", stalenessLabel(i))
	}
	s.text(p.x0+p.w/2, p.y0+p.h+34, "middle", "axis", "commits behind the newest write a client had seen when the read started")
	s.line(p.x0, p.y0+p.h, p.x0+p.w, p.y0+p.h, "baseline")
	return s.done()
}

// throughputChart stacks ok, fail and info completions per time bucket
// and shades fault windows behind them.
func throughputChart(tp throughput, faults []faultWindow) template.HTML {
	if tp.completionsTotal == 0 {
		return ""
	}
	maxV := 0.0
	for i := range tp.OK {
		maxV = max(maxV, float64(tp.OK[i]+tp.Fail[i]+tp.Info[i]))
	}
	s := newSVG(chartW, chartH, "Completed operations over time, with fault windows shaded")
	p := plot{x0: 64, y0: 26, w: chartW - 76, h: chartH - 26 - 40}
	span := float64(tp.Width) * float64(len(tp.OK))
	xOf := func(t int64) float64 { return p.x0 + float64(t)/span*p.w }
	for i, f := range faults {
		x1, x2 := xOf(f.Start), xOf(f.End)
		s.rect(x1, p.y0, math.Max(x2-x1, 1.5), p.h, "fault", faultTip(f))
		s.text(x1+3, p.y0+11+float64(i%3)*12, "start", "fault-label", clip(f.Kind, 28))
	}
	top := s.yAxis(p, maxV, func(v float64) string { return fmtCount(int(v)) })
	legend := [][2]string{{"s-ok", "ok"}, {"s-fail", "fail"}, {"s-info", "info (unknown)"}}
	if len(faults) > 0 {
		legend = append(legend, [2]string{"fault", "fault window"})
	}
	s.legend(legend)
	bw := p.w / float64(len(tp.OK))
	for i := range tp.OK {
		x := p.x0 + bw*float64(i)
		y := p.y0 + p.h
		from := int64(i) * tp.Width
		for _, part := range []struct {
			n     int
			class string
			name  string
		}{{tp.OK[i], "s-ok", "ok"}, {tp.Fail[i], "s-fail", "fail"}, {tp.Info[i], "s-info", "info"}} {
			if part.n == 0 {
				continue
			}
			h := float64(part.n) / top * p.h
			y -= h
			s.rect(x+0.5, y, math.Max(bw-1, 0.5), h, part.class,
				fmt.Sprintf("%s–%s: %s %s", fmtMS(float64(from)), fmtMS(float64(from+tp.Width)), fmtCount(part.n), part.name))
		}
	}
	s.timeAxis(p, 0, int64(span))
	s.line(p.x0, p.y0+p.h, p.x0+p.w, p.y0+p.h, "baseline")
	return s.done()
}

func faultTip(f faultWindow) string {
	t := fmt.Sprintf("%s %s from %s to %s", f.Kind, f.Detail, fmtMS(float64(f.Start)), fmtMS(float64(f.End)))
	if f.Open {
		t += " (no end recorded: shaded to the end of the run)"
	}
	return t
}
