package reports

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/d1check/d1check/checker"
	"github.com/d1check/d1check/history"
	"github.com/d1check/d1check/scenarios"
)

// Run is one scenario's checked history.
type Run struct {
	// Scenario may be nil when a report is made from a history file alone;
	// the scenario is then read from the history's header (see
	// ScenarioOf).
	Scenario    *scenarios.Scenario
	HistoryPath string
	History     *history.History
	Result      *checker.Result
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

// ScenarioOf returns the run's scenario: Run.Scenario, else the one
// recorded in the history header, else nil. A header scenario that does not
// decode is reported as an error rather than silently dropped.
func ScenarioOf(run Run) (*scenarios.Scenario, error) {
	if run.Scenario != nil {
		return run.Scenario, nil
	}
	if run.History == nil || len(run.History.Header.Scenario) == 0 || string(run.History.Header.Scenario) == "null" {
		return nil, nil
	}
	var s scenarios.Scenario
	if err := json.Unmarshal(run.History.Header.Scenario, &s); err != nil {
		return nil, fmt.Errorf("%s: history header scenario: %v", run.HistoryPath, err)
	}
	return &s, nil
}

// scenarioOrNil is ScenarioOf for renderers, which show a header that does
// not decode as "unnamed" (the error is reported by Validate).
func scenarioOrNil(run Run) *scenarios.Scenario {
	s, _ := ScenarioOf(run)
	return s
}

// timeOf is which clock s ran on, as the report says it.
func timeOf(s *scenarios.Scenario) string {
	if s.Simulated() {
		return scenarios.TimeSimulated
	}
	return scenarios.TimeReal
}

// defaultExpect is what a scenario without expect must show: a valid
// verdict and no anomalies. A history without an expectation is held to
// the strictest one, never waved through.
var defaultExpect = scenarios.Expect{Verdict: string(checker.Valid)}

// expectOf is the run's expectation and whether the scenario stated it.
func expectOf(run Run) (scenarios.Expect, bool) {
	if s := scenarioOrNil(run); s != nil && s.Expect != nil {
		return *s.Expect, true
	}
	return defaultExpect, false
}

// Expectation compares a scenario's expect with its result: it is met when
// the verdict is equal, every kind in expect.anomalies was found, and every
// kind found is in expect.anomalies or expect.allow (order and repetition do
// not matter). A scenario without expect is held to {verdict: valid,
// anomalies: []}. why is one sentence a report can print either way.
func Expectation(run Run) (met bool, why string) {
	exp, stated := expectOf(run)
	src := "expected"
	if !stated {
		src = "no expect in the scenario, so expected"
	}
	want := kindSet(exp.Anomalies)
	if run.Result == nil {
		return false, fmt.Sprintf("%s %s, but the history was not checked", src, describeExpect(exp.Verdict, want, kindSet(exp.Allow)))
	}
	got := anomalyKinds(run.Result)
	gotV := runVerdict(run)
	missing := minus(want, got)
	extra := minus(got, kindSet(append(append([]string(nil), exp.Anomalies...), exp.Allow...)))
	if string(gotV) == exp.Verdict && len(missing) == 0 && len(extra) == 0 {
		return true, fmt.Sprintf("%s %s and got it", src, describeExpect(exp.Verdict, want, kindSet(exp.Allow)))
	}
	var diffs []string
	if string(gotV) != exp.Verdict {
		diffs = append(diffs, fmt.Sprintf("verdict %s", gotV))
	}
	if len(missing) > 0 {
		diffs = append(diffs, "missing "+strings.Join(missing, ", "))
	}
	if len(extra) > 0 {
		diffs = append(diffs, "unexpected "+strings.Join(extra, ", "))
	}
	return false, fmt.Sprintf("%s %s, got %s", src, describeExpect(exp.Verdict, want, kindSet(exp.Allow)), strings.Join(diffs, "; "))
}

func describeExpect(verdict string, kinds, allow []string) string {
	out := verdict + " with no anomalies"
	if len(kinds) > 0 {
		out = verdict + " with " + strings.Join(kinds, ", ")
	}
	if len(allow) > 0 {
		out += " (may also show " + strings.Join(allow, ", ") + ")"
	}
	return out
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
	out := append([]string(nil), ks...)
	sort.Strings(out)
	j := 0
	for i, k := range out {
		if i == 0 || k != out[j-1] {
			out[j] = k
			j++
		}
	}
	return out[:j]
}

// minus is a \ b for sorted sets.
func minus(a, b []string) []string {
	in := make(map[string]bool, len(b))
	for _, k := range b {
		in[k] = true
	}
	var out []string
	for _, k := range a {
		if !in[k] {
			out = append(out, k)
		}
	}
	return out
}

// Validate reports a report that cannot be rendered truthfully: a run without a history or without a result, or a history header whose
// scenario does not decode. Writers call it first so bad input is a clear
// error, never a page that silently says less than it should.
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
		if _, err := ScenarioOf(run); err != nil {
			return fmt.Errorf("reports: %w", err)
		}
	}
	return nil
}

// runName is how a run is named on every output: the scenario's name, else
// the history file's base name, else its position.
func runName(run Run, i int) string {
	if s := scenarioOrNil(run); s != nil && s.Name != "" {
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
	if s := scenarioOrNil(run); s != nil {
		return s.Workload
	}
	return ""
}
