package harness

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/d1check/d1check/checker"
	"github.com/d1check/d1check/history"
	"github.com/d1check/d1check/reports"
	"github.com/d1check/d1check/scenarios"
)

// Run is one scenario's checked history: what the pipeline produces, what
// a gate judges and what the reports show.
type Run struct {
	// Scenario may be nil when a run is made from a history file alone;
	// the scenario is then read from the history's header (see
	// scenarioOf).
	Scenario    *scenarios.Scenario
	HistoryPath string
	History     *history.History
	Result      *checker.Result
}

// CheckFile reads and checks the history at path: the run `d1check check`
// and `d1check report` re-derive from a saved file. Every error is the
// file's (it does not parse, or its events cannot be checked).
func CheckFile(path string, opts checker.Options) (Run, error) {
	h, err := history.ReadFile(path)
	if err != nil {
		return Run{}, err
	}
	res, err := checker.Check(h, opts)
	if err != nil {
		return Run{}, fmt.Errorf("%s: %w", path, err)
	}
	return Run{HistoryPath: path, History: h, Result: res}, nil
}

// scenarioOf returns the run's scenario: Run.Scenario, else the one
// recorded in the history header, else nil. A header scenario that does not
// decode is reported as an error rather than silently dropped.
func scenarioOf(run Run) (*scenarios.Scenario, error) {
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

// defaultExpect is what a scenario without expect must show: a valid
// verdict and no anomalies. A history without an expectation is held to
// the strictest one, never waved through.
var defaultExpect = scenarios.Expect{Verdict: string(checker.Valid)}

// Expectation compares a scenario's expect with its result: it is met when
// the verdict is equal, every kind in expect.anomalies was found, and every
// kind found is in expect.anomalies or expect.allow (order and repetition do
// not matter). A scenario without expect is held to {verdict: valid,
// anomalies: []}; a run whose header scenario does not decode is held to
// that too (scenarioOf reports the error). The result's Why is one
// sentence a report can print either way.
func Expectation(run Run) reports.Expect {
	exp, stated, simulated := defaultExpect, false, true
	s, _ := scenarioOf(run)
	if s != nil && s.Expect != nil {
		exp, stated, simulated = *s.Expect, true, s.Simulated()
	}
	must, may := exp.For(simulated)
	e := reports.Expect{Verdict: exp.Verdict, Anomalies: kindSet(must), Allow: kindSet(may), Stated: stated}
	e.Text = describeExpect(e)
	src := "expected"
	if !stated {
		src = "no expect in the scenario, so expected"
	}
	if run.Result == nil {
		e.Why = fmt.Sprintf("%s %s, but the history was not checked", src, e.Text)
		return e
	}
	var found []string
	for _, a := range run.Result.Anomalies {
		found = append(found, string(a.Kind))
	}
	found = kindSet(found)
	gotV := run.Result.Verdict
	if gotV != checker.Valid && gotV != checker.Invalid {
		gotV = checker.Unknown // an empty or unrecognised verdict is never valid
	}
	missing := minus(e.Anomalies, found)
	extra := minus(found, append(slices.Clone(e.Anomalies), e.Allow...))
	if string(gotV) == e.Verdict && len(missing) == 0 && len(extra) == 0 {
		e.Met, e.Why = true, fmt.Sprintf("%s %s and got it", src, e.Text)
		return e
	}
	var diffs []string
	if string(gotV) != e.Verdict {
		diffs = append(diffs, fmt.Sprintf("verdict %s", gotV))
	}
	if len(missing) > 0 {
		diffs = append(diffs, "missing "+strings.Join(missing, ", "))
	}
	if len(extra) > 0 {
		diffs = append(diffs, "unexpected "+strings.Join(extra, ", "))
	}
	e.Why = fmt.Sprintf("%s %s, got %s", src, e.Text, strings.Join(diffs, "; "))
	return e
}

// describeExpect says what e holds a run to, e.g. "invalid with
// duplicate-create (may also show stale-read)".
func describeExpect(e reports.Expect) string {
	out := e.Verdict + " with no anomalies"
	if len(e.Anomalies) > 0 {
		out = e.Verdict + " with " + strings.Join(e.Anomalies, ", ")
	}
	if len(e.Allow) > 0 {
		out += " (may also show " + strings.Join(e.Allow, ", ") + ")"
	}
	return out
}

// kindSet sorts and deduplicates.
func kindSet(ks []string) []string {
	return slices.Compact(slices.Sorted(slices.Values(ks)))
}

// minus is a \ b.
func minus(a, b []string) []string {
	var out []string
	for _, k := range a {
		if !slices.Contains(b, k) {
			out = append(out, k)
		}
	}
	return out
}

// Report is what the reports show of runs: each with its scenario (read
// from its history's header when the run has none) and its expectation
// decided. A header scenario that does not decode is an error: a page
// that silently said less than the file would be wrong.
func Report(title string, started time.Time, command string, runs []Run) (*reports.Report, error) {
	r := &reports.Report{Title: title, Started: started, Command: command}
	for _, run := range runs {
		s, err := scenarioOf(run)
		if err != nil {
			return nil, err
		}
		run.Scenario = s
		r.Runs = append(r.Runs, reports.Run{Scenario: s, HistoryPath: run.HistoryPath, History: run.History, Result: run.Result, Expect: Expectation(run)})
	}
	return r, nil
}

// FileReport is the report of one saved history, checked by CheckFile.
func FileReport(run Run) (*reports.Report, error) {
	return Report("d1check "+filepath.Base(run.HistoryPath), run.History.Header.StartedAt, "d1check check "+run.HistoryPath, []Run{run})
}
