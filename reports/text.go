package reports

import (
	"math"
	"strconv"
	"unicode/utf8"
)

// clip shortens s to at most n bytes on a rune boundary, marking the cut
// with an ellipsis, so that hostile or huge strings from a history cannot
// blow up a label or a file.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// fmtMS formats nanoseconds as milliseconds with sensible precision.
func fmtMS(ns float64) string {
	ms := ns / 1e6
	switch {
	case ms == 0:
		return "0 ms"
	case math.Abs(ms) < 1:
		return strconv.FormatFloat(ms, 'f', 2, 64) + " ms"
	case math.Abs(ms) < 10:
		return strconv.FormatFloat(ms, 'f', 1, 64) + " ms"
	case math.Abs(ms) < 1000:
		return strconv.FormatFloat(ms, 'f', 0, 64) + " ms"
	case math.Abs(ms) < 10000:
		return strconv.FormatFloat(ms/1000, 'f', 2, 64) + " s"
	}
	return strconv.FormatFloat(ms/1000, 'f', 1, 64) + " s"
}

// fmtCount formats a count with thin thousands separators.
func fmtCount(n int) string {
	s := strconv.Itoa(n)
	neg := n < 0
	if neg {
		s = s[1:]
	}
	out := make([]byte, 0, len(s)+len(s)/3)
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	if neg {
		return "-" + string(out)
	}
	return string(out)
}

// plural returns "s" unless n is 1.
func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
