package reports

import (
	"sort"

	"github.com/d1check/d1check/opspec"
)

// group is one workload's runs, by index into Report.Runs.
type group struct {
	Workload string
	Title    string
	Runs     []int
}

// groupRuns groups runs by workload in opspec's order (the migration
// guide's: its four phases, then the two read-then-write patterns it
// singles out), so the phases read top to bottom; then any other
// workload alphabetically, then runs with no known workload. Within a
// group, runs keep the report's order.
func groupRuns(runs []Run) []group {
	by := map[string][]int{}
	for i, run := range runs {
		w := workloadOf(run)
		by[w] = append(by[w], i)
	}
	rank := func(w string) int {
		for i, x := range opspec.Workloads {
			if x.Name == w {
				return i
			}
		}
		if w == "" {
			return len(opspec.Workloads) + 1
		}
		return len(opspec.Workloads)
	}
	names := make([]string, 0, len(by))
	for w := range by {
		names = append(names, w)
	}
	sort.Slice(names, func(i, j int) bool {
		ri, rj := rank(names[i]), rank(names[j])
		if ri != rj {
			return ri < rj
		}
		return names[i] < names[j]
	})
	out := make([]group, 0, len(names))
	for _, w := range names {
		decl, known := opspec.Lookup(w)
		title := decl.Title
		switch {
		case known:
		case w == "":
			title = "Other histories (no workload recorded)"
		default:
			title = "Workload " + w
		}
		out = append(out, group{Workload: w, Title: title, Runs: by[w]})
	}
	return out
}
