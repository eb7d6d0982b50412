package reports

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/d1check/d1check/checker"
	"github.com/d1check/d1check/history"
	"github.com/d1check/d1check/scenarios"
)

// Run is one checked run as the outputs show it. What it shows is decided
// by the caller (harness.Report): its scenario, nil when unknown, and its
// expectation and whether it was met. Reports lay it out and count; they
// judge nothing.
type Run struct {
	Scenario    *scenarios.Scenario
	HistoryPath string
	History     *history.History
	Result      *checker.Result
	// Expect is what the run was held to, and whether it met it.
	Expect Expect
}

// Expect is a run's expectation, decided by the caller.
type Expect struct {
	// Verdict, Anomalies and Allow are what the run was held to (kinds
	// sorted, without repeats); Stated is false when the scenario said
	// nothing and the run was held to {verdict: valid, anomalies: []}.
	Verdict   string
	Anomalies []string
	Allow     []string
	Stated    bool
	// Text says what the run was held to ("invalid with duplicate-create");
	// Why says in one sentence whether it Met it, and how not.
	Text string
	Met  bool
	Why  string
}

// Report is everything one page shows.
type Report struct {
	Title   string
	Started time.Time
	Runs    []Run
	// Command is how the report was produced, shown on the page so a
	// reader can re-run it.
	Command string
}

// timeOf is which clock s ran on, as the report says it.
func timeOf(s *scenarios.Scenario) string {
	if s.Simulated() {
		return scenarios.TimeSimulated
	}
	return scenarios.TimeReal
}

// Verdict is the worst verdict over the runs: invalid beats unknown beats
// valid. A run that was not checked (nil Result) is unknown, and so is a
// report with no runs at all: having checked nothing proves nothing.
func (r *Report) Verdict() checker.Verdict {
	if r == nil || len(r.Runs) == 0 {
		return checker.Unknown
	}
	v := checker.Valid
	for _, run := range r.Runs {
		v = worse(v, runVerdict(run))
	}
	return v
}

func runVerdict(run Run) checker.Verdict {
	if run.Result == nil {
		return checker.Unknown
	}
	switch run.Result.Verdict {
	case checker.Valid, checker.Invalid:
		return run.Result.Verdict
	}
	return checker.Unknown // an empty or unrecognised verdict is never valid
}

// worse mirrors checker's ordering of verdicts (unexported there).
func worse(a, b checker.Verdict) checker.Verdict {
	switch {
	case a == checker.Invalid || b == checker.Invalid:
		return checker.Invalid
	case a == checker.Unknown || b == checker.Unknown:
		return checker.Unknown
	}
	return checker.Valid
}

// anomalyKinds is the sorted set of kinds in a result.
func anomalyKinds(res *checker.Result) []string {
	if res == nil {
		return nil
	}
	ks := make([]string, 0, len(res.Anomalies))
	for _, a := range res.Anomalies {
		ks = append(ks, string(a.Kind))
	}
	return kindSet(ks)
}

// kindSet sorts and deduplicates.
func kindSet(ks []string) []string {
	return slices.Compact(slices.Sorted(slices.Values(ks)))
}

// Validate reports a report that cannot be rendered truthfully: a run
// without a history, a result or a decided expectation. Writers call it
// first so bad input is a clear error, never a page that silently says
// less than it should.
func (r *Report) Validate() error {
	if r == nil {
		return fmt.Errorf("reports: nil report")
	}
	for i, run := range r.Runs {
		name := run.HistoryPath
		if name == "" {
			name = fmt.Sprintf("run %d", i+1)
		}
		if run.History == nil {
			return fmt.Errorf("reports: %s: no history", name)
		}
		if run.Result == nil {
			return fmt.Errorf("reports: %s: no checker result (check the history before reporting it)", name)
		}
		if run.Expect.Why == "" {
			return fmt.Errorf("reports: %s: no expectation decided (harness.Report decides it)", name)
		}
	}
	return nil
}

// runName is how a run is named on every output: the scenario's name, else
// the history file's base name, else its position.
func runName(run Run, i int) string {
	if s := run.Scenario; s != nil && s.Name != "" {
		return s.Name
	}
	if run.HistoryPath != "" {
		// out/<run-id>/history.jsonl is named by its directory.
		parts := strings.FieldsFunc(run.HistoryPath, func(r rune) bool { return r == '/' || r == '\\' })
		if n := len(parts); n > 0 {
			base := strings.TrimSuffix(parts[n-1], ".jsonl")
			if base == "history" && n > 1 {
				return parts[n-2]
			}
			return base
		}
	}
	return fmt.Sprintf("run-%d", i+1)
}

// workloadOf is the run's workload, "" when unknown.
func workloadOf(run Run) string {
	if s := run.Scenario; s != nil {
		return s.Workload
	}
	return ""
}
