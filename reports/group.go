package reports

import "sort"

// workloadOrder is the migration guide's order: its four phases (auth
// hooks, shop catalog reads, CDN files, domain search), then the two
// read-then-write patterns it singles out. The page keeps one section per
// workload in this order so the phases read top to bottom.
var workloadOrder = []string{"auth", "catalog", "cdn", "domain-search", "users", "magic-codes"}

// workloadTitles are the section headings.
var workloadTitles = map[string]string{
	"auth":          "Phase 1 · Authentication hooks (auth)",
	"catalog":       "Phase 2 · Shop product reads (catalog)",
	"cdn":           "Phase 3 · CDN file operations (cdn)",
	"domain-search": "Phase 4 · Domain search reads (domain-search)",
	"users":         "getOrCreateUser (users)",
	"magic-codes":   "verifyMagicCode (magic-codes)",
}

// group is one workload's runs, by index into Report.Runs.
type group struct {
	Workload string
	Title    string
	Runs     []int
}

// groupRuns groups runs by workload in workloadOrder, then any other
// workload alphabetically, then runs with no known workload. Within a
// group, runs keep the report's order.
func groupRuns(runs []Run) []group {
	by := map[string][]int{}
	for i, run := range runs {
		w := workloadOf(run)
		by[w] = append(by[w], i)
	}
	rank := func(w string) int {
		for i, x := range workloadOrder {
			if x == w {
				return i
			}
		}
		if w == "" {
			return len(workloadOrder) + 1
		}
		return len(workloadOrder)
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
		title := workloadTitles[w]
		switch {
		case title != "":
		case w == "":
			title = "Other histories (no workload recorded)"
		default:
			title = "Workload " + w
		}
		out = append(out, group{Workload: w, Title: title, Runs: by[w]})
	}
	return out
}
