package reports

import (
	"encoding/json"
	"io"
	"time"

	"github.com/d1check/d1check/checker"
)

// SummarySchema names the summary.json format; it changes only when a
// field's meaning changes (fields may be added within a version).
const SummarySchema = "d1check-summary/1"

// Summary is summary.json (documented field by field in SCHEMA.md). Its top
// level holds what DESIGN.md promises every consumer — verdict, checks and
// anomalies over the whole report — and scenarios holds the same per run:
//
//	{
//	  "schema": "d1check-summary/1",
//	  "title": "…", "command": "…", "started_at": "RFC 3339" (omitted when unknown, or when every run is simulated),
//	  "verdict": "valid|invalid|unknown",          // worst over scenarios
//	  "expectations_met": true,                    // every scenario's expect met
//	  "checks": [{"name", "verdict", "checked", "failed", "unknown", "anomalies"}],
//	  "anomalies": [{"kind", "check", "events", "explanation", "blame",
//	                 "scenario", "variant", "key", "session"}],
//	  "scenarios": [{"name", "file", "workload", "history", "verdict", "time", "replay",
//	                 "expect": {"verdict", "anomalies"}, "expect_stated",
//	                 "expectation_met", "expectation",
//	                 "checks": [checker.CheckResult…], "anomalies": […],
//	                 "anomaly_kinds": […], "counts": {…}}]
//	}
//
// Lists are never null: an empty list is [].
type Summary struct {
	Schema          string            `json:"schema"`
	Title           string            `json:"title,omitempty"`
	Command         string            `json:"command,omitempty"`
	StartedAt       *time.Time        `json:"started_at,omitempty"`
	Verdict         checker.Verdict   `json:"verdict"`
	ExpectationsMet bool              `json:"expectations_met"`
	Checks          []SummaryCheck    `json:"checks"`
	Anomalies       []SummaryAnomaly  `json:"anomalies"`
	Scenarios       []SummaryScenario `json:"scenarios"`
}

// SummaryCheck is one check over every scenario: the worst verdict and the
// summed counts.
type SummaryCheck struct {
	Name      string          `json:"name"`
	Verdict   checker.Verdict `json:"verdict"`
	Checked   int             `json:"checked"`
	Failed    int             `json:"failed"`
	Unknown   int             `json:"unknown"`
	Anomalies int             `json:"anomalies"`
}

// SummaryAnomaly is a checker.Anomaly with the scenario it was found in.
type SummaryAnomaly struct {
	Kind        checker.Kind  `json:"kind"`
	Check       string        `json:"check"`
	Events      []int         `json:"events"`
	Explanation string        `json:"explanation"`
	Blame       checker.Blame `json:"blame"`
	Scenario    string        `json:"scenario"`
	Variant     string        `json:"variant,omitempty"`
	Key         string        `json:"key,omitempty"`
	Session     string        `json:"session,omitempty"`
}

// SummaryScenario is one run.
type SummaryScenario struct {
	Name     string          `json:"name"`
	File     string          `json:"file,omitempty"`
	Workload string          `json:"workload,omitempty"`
	History  string          `json:"history,omitempty"`
	Verdict  checker.Verdict `json:"verdict"`
	// Time is the clock the run used: "simulated" (it replays byte for
	// byte) or "real". Replay is the command that runs it again.
	Time   string `json:"time,omitempty"`
	Replay string `json:"replay,omitempty"`
	// Expect is the expectation the run was held to; ExpectStated is false
	// when the scenario had none and the default {valid, []} applied.
	Expect         SummaryExpect         `json:"expect"`
	ExpectStated   bool                  `json:"expect_stated"`
	ExpectationMet bool                  `json:"expectation_met"`
	Expectation    string                `json:"expectation"`
	Checks         []checker.CheckResult `json:"checks"`
	Anomalies      []SummaryAnomaly      `json:"anomalies"`
	AnomalyKinds   []string              `json:"anomaly_kinds"`
	Counts         Counts                `json:"counts"`
}

// SummaryExpect is a scenario's expect.
type SummaryExpect struct {
	Verdict   string   `json:"verdict"`
	Anomalies []string `json:"anomalies"`
	// Allow lists kinds that may appear without failing the expectation.
	Allow []string `json:"allow"`
}

// BuildSummary computes summary.json's content, for callers (the CLI's
// --json) that want it as a value.
func BuildSummary(r *Report) (*Summary, error) {
	pr, err := prepare(r)
	if err != nil {
		return nil, err
	}
	return buildSummary(pr), nil
}

func buildSummary(pr *prepared) *Summary {
	r := pr.r
	s := &Summary{Schema: SummarySchema, Title: r.Title, Command: r.Command, Verdict: r.Verdict(), ExpectationsMet: true,
		Checks: []SummaryCheck{}, Anomalies: []SummaryAnomaly{}, Scenarios: []SummaryScenario{}}
	if !r.Started.IsZero() && !allSimulated(r) {
		t := r.Started.UTC()
		s.StartedAt = &t
	}
	checkAt := map[string]int{}
	for i, run := range r.Runs {
		sc := summaryScenario(run, i, pr.stats[i])
		s.ExpectationsMet = s.ExpectationsMet && sc.ExpectationMet
		s.Anomalies = append(s.Anomalies, sc.Anomalies...)
		for _, c := range run.Result.Checks {
			at, ok := checkAt[c.Name]
			if !ok {
				at = len(s.Checks)
				checkAt[c.Name] = at
				s.Checks = append(s.Checks, SummaryCheck{Name: c.Name, Verdict: checker.Valid})
			}
			sum := &s.Checks[at]
			sum.Verdict = worse(sum.Verdict, checkVerdict(c.Verdict))
			sum.Checked += c.Checked
			sum.Failed += c.Failed
			sum.Unknown += c.Unknown
			sum.Anomalies += c.Anomalies
		}
		s.Scenarios = append(s.Scenarios, sc)
	}
	if len(r.Runs) == 0 {
		s.ExpectationsMet = false // nothing ran: no gate may pass on it
	}
	return s
}

func checkVerdict(v checker.Verdict) checker.Verdict {
	return runVerdict(Run{Result: &checker.Result{Verdict: v}})
}

func summaryScenario(run Run, i int, st *stats) SummaryScenario {
	name := runName(run, i)
	exp := run.Expect
	sc := SummaryScenario{Name: name, Workload: workloadOf(run), History: run.HistoryPath, Verdict: runVerdict(run),
		Expect:       SummaryExpect{Verdict: exp.Verdict, Anomalies: nonNil(exp.Anomalies), Allow: nonNil(exp.Allow)},
		ExpectStated: exp.Stated, ExpectationMet: exp.Met, Expectation: exp.Why,
		Checks: run.Result.Checks, Anomalies: []SummaryAnomaly{}, AnomalyKinds: nonNil(anomalyKinds(run.Result)), Counts: st.Counts}
	if sc.Checks == nil {
		sc.Checks = []checker.CheckResult{}
	}
	if s := run.Scenario; s != nil {
		sc.File = s.File
		sc.Time, sc.Replay = timeOf(s), s.ReplayCommand()
	}
	for _, a := range run.Result.Anomalies {
		sc.Anomalies = append(sc.Anomalies, SummaryAnomaly{Kind: a.Kind, Check: a.Check, Events: nonNilInts(a.Events),
			Explanation: a.Explanation, Blame: blameOf(a), Scenario: name, Variant: a.Variant, Key: a.Key, Session: a.Session})
	}
	return sc
}

// allSimulated reports whether every run of r ran on simulated time: its
// summary.json then holds nothing that depends on the wall clock (the
// start time is left out), so a replay writes it byte for byte again.
func allSimulated(r *Report) bool {
	for _, run := range r.Runs {
		if s := run.Scenario; s == nil || !s.Simulated() {
			return false
		}
	}
	return len(r.Runs) > 0
}

func nonNil(xs []string) []string {
	if xs == nil {
		return []string{}
	}
	return xs
}

func nonNilInts(xs []int) []int {
	if xs == nil {
		return []int{}
	}
	return xs
}

// WriteSummaryJSON writes summary.json (see Summary and SCHEMA.md).
func WriteSummaryJSON(w io.Writer, r *Report) error {
	pr, err := prepare(r)
	if err != nil {
		return err
	}
	return writeSummaryJSON(w, pr)
}

func writeSummaryJSON(w io.Writer, pr *prepared) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(buildSummary(pr))
}
