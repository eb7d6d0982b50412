package checker

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/d1check/d1check/d1"
)

// Explanations are one sentence each, built from the events alone: times in
// milliseconds, values, and (when the op has a trace) who served the read
// at which bookmark. The helpers here keep every sentence in one voice.

// ms formats nanoseconds since the run started as milliseconds, to the
// microsecond: fine enough to order two ops a sentence compares, short
// enough to read ("77.809 ms", "3.1 ms").
func ms(t int64) string {
	s := strconv.FormatFloat(float64(t)/1e6, 'f', 3, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s + " ms"
}

// when formats the times one sentence compares: each as ms does, or all
// to the nanosecond when two that differ would print alike, so that the
// sentence always shows their order.
func when(ts ...int64) []string {
	out := make([]string, len(ts))
	fine := false
	for i, a := range ts {
		out[i] = ms(a)
		for _, b := range ts[:i] {
			if a != b && out[i] == ms(b) {
				fine = true
			}
		}
	}
	if fine {
		for i, t := range ts {
			s := strconv.FormatFloat(float64(t)/1e6, 'f', 6, 64)
			if t > 1<<52 { // beyond float64's exact integers: print the digits
				s = strconv.FormatInt(t/1e6, 10) + "." + fmt.Sprintf("%06d", t%1e6)
			}
			out[i] = strings.TrimRight(strings.TrimRight(s, "0"), ".") + " ms"
		}
	}
	return out
}

// name is how a sentence names an op: by its completion event's index
// (the invoke's for an op the history never completed).
func (o *Op) name() string {
	n := o.Complete
	if n < 0 {
		n = o.Invoke
	}
	return fmt.Sprintf("op %d (%s, process %d)", n, o.F, o.Process)
}

// ref is the short form, for an op already named in the sentence.
func (o *Op) ref() string {
	if o.Complete < 0 {
		return fmt.Sprintf("op %d", o.Invoke)
	}
	return fmt.Sprintf("op %d", o.Complete)
}

// eventsOf lists the invoke and completion indexes of ops, ascending.
func eventsOf(ops ...*Op) []int {
	out := make([]int, 0, 2*len(ops))
	for _, o := range ops {
		out = append(out, o.Invoke)
		if o.Complete >= 0 {
			out = append(out, o.Complete)
		}
	}
	sort.Ints(out)
	j := 0
	for i, v := range out {
		if i == 0 || v != out[j-1] {
			out[j] = v
			j++
		}
	}
	return out[:j]
}

// commitIndex answers "what was the newest commit any op had seen by time
// t", from the bookmarks in the traces, so that a stale read can say how
// many commits behind it was served.
type commitIndex struct {
	times []int64  // completion times, ascending
	max   []uint64 // max[i]: newest position among ops completed by times[i]
}

func newCommitIndex(ops []*Op) *commitIndex {
	type seen struct {
		t   int64
		pos uint64
	}
	var all []seen
	for _, o := range ops {
		if o.Complete < 0 {
			continue
		}
		for _, st := range o.Trace {
			if b, err := d1.ParseBookmark(st.BookmarkOut); err == nil {
				all = append(all, seen{o.Return, b.Position()})
			}
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].t < all[j].t })
	ci := &commitIndex{times: make([]int64, len(all)), max: make([]uint64, len(all))}
	var m uint64
	for i, s := range all {
		m = max(m, s.pos)
		ci.times[i], ci.max[i] = s.t, m
	}
	return ci
}

// latestBefore is the newest position known from ops completed strictly
// before t; ok is false when no bookmark was known yet.
func (ci *commitIndex) latestBefore(t int64) (uint64, bool) {
	i := sort.Search(len(ci.times), func(i int) bool { return ci.times[i] >= t })
	if i == 0 {
		return 0, false
	}
	return ci.max[i-1], true
}

// served describes who served op's read, e.g. "; its SELECT was served by
// the APAC replica at bookmark 00000000-00000004-…, 4 commits behind". It
// is empty when the op has no trace.
func (ci *commitIndex) served(o *Op) string {
	st := -1
	for i, s := range o.Trace {
		if strings.EqualFold(firstWord(s.SQL), "SELECT") {
			st = i
			break
		}
		if st < 0 && (s.BookmarkOut != "" || s.ServedBy != "" || s.ServedByRegion != "") {
			st = i
		}
	}
	if st < 0 {
		return ""
	}
	s := o.Trace[st]
	var b strings.Builder
	fmt.Fprintf(&b, "; its %s was served by %s", strings.ToUpper(firstWord(s.SQL)), who(s.ServedByPrimary, s.ServedByRegion, s.ServedBy))
	if s.BookmarkOut == "" {
		return b.String()
	}
	fmt.Fprintf(&b, " at bookmark %s", shortBookmark(s.BookmarkOut))
	bm, err := d1.ParseBookmark(s.BookmarkOut)
	if err != nil {
		return b.String()
	}
	if latest, ok := ci.latestBefore(o.Call); ok && latest > bm.Position() {
		behind := latest - bm.Position()
		fmt.Fprintf(&b, ", %d commit%s behind", behind, plural(behind))
	}
	return b.String()
}

func who(primary bool, region, servedBy string) string {
	switch {
	case primary && region != "":
		return "the primary (" + region + ")"
	case primary:
		return "the primary"
	case region != "":
		return "the " + region + " replica"
	case servedBy != "":
		return servedBy
	}
	return "a replica"
}

func firstWord(sql string) string {
	f := strings.Fields(sql)
	if len(f) == 0 {
		return "statement"
	}
	return f[0]
}

// shortBookmark keeps the fields that carry the position.
func shortBookmark(s string) string {
	if _, err := d1.ParseBookmark(s); err != nil {
		return strconv.Quote(s)
	}
	return s[:18] + "…"
}

func plural(n uint64) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// variantOf spells a variant for a sentence.
func variantOf(v string) string {
	if v == "" {
		return ""
	}
	return " (variant " + v + ")"
}
