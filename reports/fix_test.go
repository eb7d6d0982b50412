package reports

import (
	"bytes"
	"strings"
	"testing"

	"github.com/d1check/d1check/checker"
)

// TestAdviceMatchesBlame: a stale read the checker blamed on the database
// (the same read broke read-your-writes) is not advised to carry the
// bookmark, which the code already did; it is advised as D1's bug. A stale
// read blamed on the application keeps its usual advice.
func TestAdviceMatchesBlame(t *testing.T) {
	run := checkedRun(t, "users-unconstrained-none", genConfig{Ops: 40, Processes: 4, Keys: 2, Seed: 3}, nil)
	stale := checker.Anomaly{Kind: checker.StaleRead, Check: checker.CheckLinearizability, Events: []int{0, 1}, Explanation: "op 1 missed its own write at 1 ms"}
	md := func(blames ...checker.Blame) string {
		run.Result.Anomalies = nil
		for _, b := range blames {
			a := stale
			a.Blame = b
			run.Result.Anomalies = append(run.Result.Anomalies, a)
		}
		var buf bytes.Buffer
		if err := WriteSummaryMarkdown(&buf, &Report{Runs: []Run{run}}); err != nil {
			t.Fatal(err)
		}
		return buf.String()
	}
	usual := "carry the bookmark"
	db := md(checker.BlameDatabase)
	if strings.Contains(db, usual) || !strings.Contains(db, "**stale-read** (D1's fault here)") || !strings.Contains(db, "report it") {
		t.Errorf("a stale read blamed on D1 got the application's advice:\n%s", db)
	}
	app := md(checker.BlameApplication)
	if !strings.Contains(app, usual) || strings.Contains(app, "D1's fault here") {
		t.Errorf("a stale read blamed on the application lost its advice:\n%s", app)
	}
	both := md(checker.BlameApplication, checker.BlameDatabase)
	if !strings.Contains(both, usual) || !strings.Contains(both, "D1's fault here") {
		t.Errorf("mixed blames need both fixes:\n%s", both)
	}
}
