package reports

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/d1check/d1check/checker"
	"github.com/d1check/d1check/scenarios"
)

// syntheticResult is what the checker would say about a big invalid run:
// every check with per-variant rows, DefaultMaxAnomalies anomalies
// pointing at real events of h, and real porcupine failures (from a small
// checked run) to exercise the visualization cap.
func syntheticResult(b *testing.B, n int, failures []checker.PartitionFailure) *checker.Result {
	b.Helper()
	res := &checker.Result{Verdict: checker.Invalid, Failures: failures}
	for _, name := range []string{checker.CheckLinearizability, checker.CheckSessionGuarantees, checker.CheckInvariants} {
		res.Checks = append(res.Checks, checker.CheckResult{Name: name, Verdict: checker.Invalid, Unit: "partitions", Checked: 5000, Failed: 700,
			Anomalies: 2500, Variants: []checker.VariantResult{{Variant: "unconstrained", Verdict: checker.Invalid, Checked: 5000, Failed: 700}}})
	}
	for i := 0; i < checker.DefaultMaxAnomalies; i++ {
		e := (i * 997) % (n - 4) &^ 1 // an invoke (events alternate in big runs only roughly; any index is valid)
		res.Anomalies = append(res.Anomalies, checker.Anomaly{Kind: checker.DuplicateCreate, Check: checker.CheckLinearizability,
			Events: []int{e, e + 1, e + 2, e + 3}, Blame: checker.BlameApplication, Variant: "unconstrained",
			Explanation: fmt.Sprintf("op %d created a second user for the same email although op %d had already created one", e+3, e+1)})
	}
	return res
}

// BenchmarkReport1M reports a 1,000,000-event history with traces: the
// time for all four outputs, and index.html's size (html-MB), which must
// stay under 5 MB however big the run.
func BenchmarkReport1M(b *testing.B) {
	const ops = 500_000 // an invoke and a completion each, plus final reads
	h := genHistory(genConfig{Ops: ops, Processes: 64, Keys: 5000, Lag: 4, Seed: 1, Fault: true})
	small := checkedRun(b, "small", genConfig{Ops: 400, Processes: 8, Keys: 6, Lag: 4, Seed: 7}, nil)
	run := Run{Scenario: usersScenario("users-unconstrained-soak", &scenarios.Expect{Verdict: "invalid", Anomalies: []string{"duplicate-create"}}),
		HistoryPath: "out/soak/history.jsonl", History: h, Result: syntheticResult(b, len(h.Events), small.Result.Failures)}
	run.Expect = expectFixture(run.Scenario, run.Result)
	r := &Report{Title: "d1check soak", Started: time.Now(), Runs: []Run{run}}
	dir := b.TempDir()
	b.ResetTimer()
	for b.Loop() {
		if err := WriteAll(dir, r); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	fi, err := os.Stat(filepath.Join(dir, FileHTML))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(len(h.Events)), "events")
	b.ReportMetric(float64(fi.Size())/1e6, "html-MB")
	if fi.Size() >= 5e6 {
		b.Errorf("index.html is %d bytes for a 1M-event history, want < 5 MB", fi.Size())
	}
}
