package selftest

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/d1check/d1check/checker"
)

// view is the matrix as rows of text: the one rendering every format
// (WriteTable, WriteMarkdown, WriteHTML) lays out, so they never disagree.
type view struct {
	CellHeader, ControlHeader []string
	Cells, Controls           []viewRow
	// Alarms quote the false alarms; Uncovered says what the matrix does
	// not gate on, and why.
	Alarms, Uncovered []string
	OK                bool
}

// viewRow is one line of a table; OK says whether it passed.
type viewRow struct {
	Cols []string
	OK   bool
}

func viewOf(m Matrix) view {
	v := view{
		CellHeader:    []string{"BUG", "WORKLOAD", "VARIANT", "BOOKMARKS", "CHECK", "KINDS", "DETECTED", "OPS NEEDED", "OP BOUND", "ALSO FOUND"},
		ControlHeader: []string{"CONTROL", "WORKLOAD", "VARIANT", "BOOKMARKS", "FAULTS", "MUST NOT REPORT", "OP BOUND", "FALSE ALARMS"},
		OK:            m.OK(),
	}
	for _, c := range m.Cells {
		check := c.Check
		if check == "" {
			check = "any"
		}
		v.Cells = append(v.Cells, viewRow{OK: c.Seeds > 0 && c.Detected == c.Seeds, Cols: []string{
			c.Bug, c.Workload, variant(c.Variant, c.OneRegion), c.Bookmarks, check, kinds(c.Kinds),
			fmt.Sprintf("%d/%d%s", c.Detected, c.Seeds, missed(c.Missed)), fmt.Sprint(c.OpsNeeded), fmt.Sprint(c.Ops),
			found(c.Found, c.Seeds)}})
	}
	for _, c := range m.Controls {
		forbid := "any anomaly"
		switch {
		case c.Check != "":
			forbid = c.Check + " " + kinds(c.Kinds)
		case len(c.Kinds) > 0:
			forbid = kinds(c.Kinds)
		}
		faults := "none"
		if c.Faults {
			faults = "all"
		}
		v.Controls = append(v.Controls, viewRow{OK: c.Seeds > 0 && c.Alarms == 0, Cols: []string{
			c.Name, c.Workload, variant(c.Variant, c.OneRegion), c.Bookmarks, faults, forbid, fmt.Sprint(c.Ops),
			fmt.Sprintf("%d/%d", c.Alarms, c.Seeds)}})
	}
	for _, c := range m.FalseAlarms() {
		for _, e := range c.Examples {
			v.Alarms = append(v.Alarms, fmt.Sprintf("false alarm (%s, %s/%s): %s", c.Name, c.Workload, c.Variant, e))
		}
	}
	bugs := make([]string, 0, len(m.Uncovered))
	for b := range m.Uncovered {
		bugs = append(bugs, b)
	}
	sort.Strings(bugs)
	for _, b := range bugs {
		v.Uncovered = append(v.Uncovered, b+": "+m.Uncovered[b])
	}
	return v
}

// verdict is the matrix's last line.
func (v view) verdict() string {
	if v.OK {
		return "selftest: OK"
	}
	return "selftest: FAIL"
}

// WriteTable renders m as plain-text tables: the detection matrix, the
// controls, the false alarms, what no workload covers yet, and the
// verdict ("selftest: OK" or "selftest: FAIL") on the last line.
func WriteTable(w io.Writer, m Matrix) error {
	v := viewOf(m)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	line := func(cols []string) { fmt.Fprintln(tw, strings.Join(cols, "\t")) }
	line(v.CellHeader)
	for _, r := range v.Cells {
		line(r.Cols)
	}
	fmt.Fprintln(tw)
	line(v.ControlHeader)
	for _, r := range v.Controls {
		line(r.Cols)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, a := range v.Alarms {
		fmt.Fprintln(w, a)
	}
	for _, u := range v.Uncovered {
		fmt.Fprintln(w, "not covered: "+u)
	}
	_, err := fmt.Fprintln(w, v.verdict())
	return err
}

func variant(v string, oneRegion bool) string {
	if oneRegion {
		return v + " (one region)"
	}
	return v
}

func kinds(ks []checker.Kind) string {
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = string(k)
	}
	return strings.Join(s, "|")
}

func missed(seeds []int64) string {
	if len(seeds) == 0 {
		return ""
	}
	return fmt.Sprintf(" (missed seeds %v)", seeds)
}

// found lists the kinds seen, most frequent first, with their seed counts.
func found(f map[checker.Kind]int, seeds int) string {
	ks := make([]checker.Kind, 0, len(f))
	for k := range f {
		ks = append(ks, k)
	}
	sort.Slice(ks, func(i, j int) bool {
		if f[ks[i]] != f[ks[j]] {
			return f[ks[i]] > f[ks[j]]
		}
		return ks[i] < ks[j]
	})
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = fmt.Sprintf("%s %d/%d", k, f[k], seeds)
	}
	return strings.Join(s, ", ")
}
