package selftest

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/d1check/d1check/checker"
)

// WriteTable renders m as plain-text tables: the detection matrix, the
// controls, and the bugs no workload covers yet.
func WriteTable(w io.Writer, m Matrix) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "BUG\tWORKLOAD\tVARIANT\tBOOKMARKS\tCHECK\tKINDS\tDETECTED\tOPS NEEDED\tALSO FOUND")
	for _, c := range m.Cells {
		variant := c.Variant
		if c.OneRegion {
			variant += " (one region)"
		}
		check := c.Check
		if check == "" {
			check = "any"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%d/%d%s\t%d of %d\t%s\n", c.Bug, c.Workload, variant, c.Bookmarks, check,
			kinds(c.Kinds), c.Detected, c.Seeds, missed(c.Missed), c.OpsNeeded, c.Ops, found(c.Found, c.Seeds))
	}
	fmt.Fprintln(tw)
	fmt.Fprintln(tw, "CONTROL\tWORKLOAD\tVARIANT\tBOOKMARKS\tFAULTS\tMUST NOT REPORT\tFALSE ALARMS")
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
		variant := c.Variant
		if c.OneRegion {
			variant += " (one region)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%d/%d\n", c.Name, c.Workload, variant, c.Bookmarks, faults, forbid, c.Alarms, c.Seeds)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, c := range m.FalseAlarms() {
		for _, e := range c.Examples {
			fmt.Fprintf(w, "false alarm (%s, %s/%s): %s\n", c.Name, c.Workload, c.Variant, e)
		}
	}
	bugs := make([]string, 0, len(m.Uncovered))
	for b := range m.Uncovered {
		bugs = append(bugs, b)
	}
	sort.Strings(bugs)
	for _, b := range bugs {
		fmt.Fprintf(w, "not covered: %s: %s\n", b, m.Uncovered[b])
	}
	verdict := "FAIL"
	if m.OK() {
		verdict = "OK"
	}
	_, err := fmt.Fprintf(w, "selftest: %s\n", verdict)
	return err
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
