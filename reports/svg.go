package reports

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strings"
)

// svg writes one inline SVG chart. Charts are drawn in Go, not by a
// JavaScript library: the page must open offline, render the same in every
// browser, and stay small however long the run was. Every string that came
// from a history passes through html.EscapeString, which is why the result
// may be trusted as template.HTML. Colours come from the page's CSS classes,
// so the charts follow the page's palette.
type svg struct {
	b    strings.Builder
	w, h float64
}

func newSVG(w, h float64, label string) *svg {
	s := &svg{w: w, h: h}
	fmt.Fprintf(&s.b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %g %g" width="%g" height="%g" role="img" aria-label="%s" class="chart">`,
		w, h, w, h, esc(label))
	return s
}

func esc(s string) string { return html.EscapeString(s) }

// rect draws a rectangle; tip, when set, is the hover tooltip.
func (s *svg) rect(x, y, w, h float64, class, tip string) {
	if w < 0 || h < 0 || math.IsNaN(w+h+x+y) {
		return
	}
	fmt.Fprintf(&s.b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" class="%s"`, x, y, w, h, class)
	if tip == "" {
		s.b.WriteString("/>")
		return
	}
	fmt.Fprintf(&s.b, `><title>%s</title></rect>`, esc(tip))
}

func (s *svg) line(x1, y1, x2, y2 float64, class string) {
	fmt.Fprintf(&s.b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" class="%s"/>`, x1, y1, x2, y2, class)
}

// text draws a label; anchor is start, middle or end.
func (s *svg) text(x, y float64, anchor, class, txt string) {
	fmt.Fprintf(&s.b, `<text x="%.1f" y="%.1f" text-anchor="%s" class="%s">%s</text>`, x, y, anchor, class, esc(txt))
}

func (s *svg) done() template.HTML {
	s.b.WriteString("</svg>")
	return template.HTML(s.b.String()) // every dynamic string was escaped above
}

// plot is a chart's drawing area inside its margins.
type plot struct{ x0, y0, w, h float64 }

// yAxis draws horizontal grid lines and labels for 0..top and returns the
// top value actually used (a "nice" round number at or above maxV).
func (s *svg) yAxis(p plot, maxV float64, label func(float64) string) float64 {
	step := niceStep(maxV, 4)
	top := step * math.Ceil(maxV/step)
	if top <= 0 {
		top = step
	}
	for v := 0.0; v <= top+step/2; v += step {
		y := p.y0 + p.h - v/top*p.h
		s.line(p.x0, y, p.x0+p.w, y, "grid")
		s.text(p.x0-6, y+4, "end", "axis", label(v))
	}
	return top
}

// niceStep is a 1-2-5 step that splits 0..maxV into about n intervals.
func niceStep(maxV float64, n int) float64 {
	if maxV <= 0 || math.IsNaN(maxV) || math.IsInf(maxV, 0) {
		return 1
	}
	raw := maxV / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if raw <= m*mag {
			return m * mag
		}
	}
	return 10 * mag
}

// legend draws coloured keys right-aligned at the top of the chart.
func (s *svg) legend(entries [][2]string) {
	x := s.w - 8
	for i := len(entries) - 1; i >= 0; i-- {
		class, name := entries[i][0], entries[i][1]
		tw := 7*float64(len(name)) + 22
		x -= tw
		s.rect(x, 6, 10, 10, class, "")
		s.text(x+14, 15, "start", "legend", name)
	}
}

// timeAxis draws x labels in run time (ms or s) under a plot spanning
// [from, to] nanoseconds.
func (s *svg) timeAxis(p plot, from, to int64) {
	span := float64(to - from)
	if span <= 0 {
		span = 1
	}
	step := niceStep(span, 6)
	first := math.Ceil(float64(from)/step) * step
	for v := first; v <= float64(to)+1; v += step {
		x := p.x0 + (v-float64(from))/span*p.w
		s.line(x, p.y0+p.h, x, p.y0+p.h+4, "tick")
		s.text(x, p.y0+p.h+16, "middle", "axis", fmtMS(v))
	}
}
