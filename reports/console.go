package reports

import (
	"fmt"
	"io"

	"github.com/d1check/d1check/checker"
)

// WriteRunLine writes one run for a terminal: its name, verdict and
// anomaly count, whether it met the expectation its scenario stated (a
// run without one says nothing), and the first anomaly of each kind with
// how many there are.
func WriteRunLine(w io.Writer, name string, res *checker.Result, e Expect) {
	kinds := map[checker.Kind]int{}
	for _, a := range res.Anomalies {
		kinds[a.Kind]++
	}
	total := 0
	for _, c := range res.Checks {
		total += c.Anomalies
	}
	fmt.Fprintf(w, "%-44s %-8s %d anomalies", name, res.Verdict, total)
	if e.Stated {
		if e.Met {
			fmt.Fprint(w, "  (as expected)")
		} else {
			fmt.Fprintf(w, "  (NOT as expected: %s)", e.Why)
		}
	}
	fmt.Fprintln(w)
	seen := map[checker.Kind]bool{}
	for _, a := range res.Anomalies {
		if !seen[a.Kind] {
			seen[a.Kind] = true
			fmt.Fprintf(w, "    %s (%d): %s\n", a.Kind, kinds[a.Kind], a.Explanation)
		}
	}
}

// WriteCheckText writes a checked history for a terminal: a note when the
// file was cut off, each check's counts, every anomaly, and the verdict.
func WriteCheckText(w io.Writer, run Run) {
	if run.History.Truncated {
		fmt.Fprintf(w, "note: the file was cut off mid-line; %d operations without a completion count as indeterminate\n", run.History.Synthesized)
	}
	notes := map[string]bool{}
	for _, c := range run.Result.Checks {
		fmt.Fprintf(w, "%-20s %-8s %d %s checked, %d failed, %d anomalies\n", c.Name, c.Verdict, c.Checked, c.Unit, c.Failed, c.Anomalies)
		notes[c.Note] = c.Note != ""
	}
	for _, c := range run.Result.Checks {
		if notes[c.Note] {
			fmt.Fprintf(w, "note: %s\n", c.Note)
			notes[c.Note] = false // said once
		}
	}
	for _, a := range run.Result.Anomalies {
		fmt.Fprintf(w, "  %s: %s\n", a.Kind, a.Explanation)
	}
	fmt.Fprintf(w, "verdict: %s\n", (&Report{Runs: []Run{run}}).Verdict())
}
