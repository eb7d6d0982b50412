package reports

import (
	"fmt"
	"testing"
	"time"

	"github.com/d1check/d1check/checker"
	"github.com/d1check/d1check/scenarios"
)

// hostile is planted in emails, SQL and explanations to prove every
// output escapes what a history contains.
const hostile = `</script><script>alert(1)</script><img src=x onerror=alert(2)>`

// sampleReport is a realistic multi-scenario report: an unconstrained
// users run with stale replica reads and a fault (invalid, as its expect
// says), the same pattern with fresh reads (valid), and a run whose
// history came from a file with no scenario.
func sampleReport(t *testing.T) *Report {
	t.Helper()
	stale := checkedRun(t, "users-unconstrained-none", genConfig{Ops: 400, Processes: 8, Keys: 6, Lag: 4, Seed: 7, Fault: true},
		&scenarios.Expect{Verdict: "invalid", Anomalies: []string{"duplicate-create"}})
	// The checker may find more kinds than duplicate-create; state exactly
	// what it found so the expectation is met and the page shows a pass.
	stale.Scenario.Expect.Anomalies = anomalyKinds(stale.Result)
	stale.Expect = expectFixture(stale.Scenario, stale.Result)
	fresh := checkedRun(t, "users-atomic", genConfig{Ops: 300, Processes: 6, Keys: 6, Seed: 8, Variant: "atomic"}, &scenarios.Expect{Verdict: "valid"})
	fresh.Scenario.Variants = []string{"atomic"}
	file := checkedRun(t, "saved", genConfig{Ops: 60, Processes: 4, Keys: 3, Lag: 3, Seed: 9}, nil)
	file.Scenario = nil
	file.Expect = expectFixture(nil, file.Result)
	return &Report{Title: "d1check gate", Started: time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC),
		Command: "d1check run scenarios/demo/users-unconstrained-none.yaml", Runs: []Run{stale, fresh, file}}
}

// hostileReport plants hostile strings everywhere a history can put text.
func hostileReport(t *testing.T) *Report {
	t.Helper()
	run := checkedRun(t, "hostile", genConfig{Ops: 80, Processes: 4, Keys: 2, Lag: 3, Seed: 5,
		Email: func(i int) string { return fmt.Sprintf("<b>u%d</b>@x.test%s", i, hostile) }}, nil)
	run.Scenario.Name = "hostile" + hostile
	run.HistoryPath = "out/" + hostile + "/history.jsonl"
	for i := range run.History.Events {
		for j := range run.History.Events[i].Trace {
			run.History.Events[i].Trace[j].SQL += " /* " + hostile + " */"
			run.History.Events[i].Trace[j].ServedByRegion = "W<EUR>"
		}
	}
	run.Result.Anomalies = append(run.Result.Anomalies, checker.Anomaly{Kind: "stale-read", Check: checker.CheckSessionGuarantees,
		Events: []int{0, 1}, Explanation: "op 1 read " + hostile, Blame: checker.BlameApplication, Key: hostile})
	return &Report{Title: "t" + hostile, Command: "d1check report " + hostile, Runs: []Run{run}}
}
