package reports

import (
	"bytes"
	"strings"
	"testing"

	"github.com/d1check/d1check/checker"
)

// TestEveryKindHasAdvice: a kind the checker can emit and the page has no
// fix for fails here, not on a user's page.
func TestEveryKindHasAdvice(t *testing.T) {
	for _, k := range checker.Kinds() {
		if _, ok := adviceByKind[k]; !ok {
			t.Errorf("no advice for %s", k)
		}
	}
	for k := range adviceByKind {
		if !contains(strs(checker.Kinds()), string(k)) {
			t.Errorf("advice for %s, which the checker never emits", k)
		}
	}
}

// TestBlameIsTheCheckers: the report shows the blame the checker decided,
// even where it differs from the kind's usual one, and asks the checker
// when an anomaly carries none.
func TestBlameIsTheCheckers(t *testing.T) {
	for _, tc := range []struct {
		a    checker.Anomaly
		want checker.Blame
	}{
		{checker.Anomaly{Kind: checker.StaleRead, Check: checker.CheckLinearizability, Blame: checker.BlameDatabase}, checker.BlameDatabase},
		{checker.Anomaly{Kind: checker.LostWrite, Check: checker.CheckInvariants}, checker.BlameDatabase},
		{checker.Anomaly{Kind: checker.MonotonicRead, Check: checker.CheckLinearizability, Blame: "someone"}, checker.BlameApplication},
		{checker.Anomaly{Kind: checker.MonotonicRead, Check: checker.CheckSessionGuarantees}, checker.BlameDatabase},
	} {
		if got := blameOf(tc.a); got != tc.want {
			t.Errorf("blameOf(%s/%s blaming %q) = %s, want %s", tc.a.Check, tc.a.Kind, tc.a.Blame, got, tc.want)
		}
	}

	run := checkedRun(t, "blame", genConfig{Ops: 60, Processes: 4, Keys: 2, Seed: 5}, nil)
	run.Result.Verdict = checker.Invalid
	run.Result.Anomalies = []checker.Anomaly{{Kind: checker.StaleRead, Check: checker.CheckLinearizability,
		Events: []int{0, 1}, Explanation: "op 1 read a@x.test at 1 ms", Blame: checker.BlameDatabase}}
	var b bytes.Buffer
	if err := WriteHTML(&b, &Report{Runs: []Run{run}}); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	if !strings.Contains(page, `<div class="fix database"><h3>Stale read`) {
		t.Errorf("the stale-read fix is not shown under the database's blame the checker gave it")
	}
	if strings.Contains(page, `<div class="fix application">`) {
		t.Errorf("a fix is shown under the application's blame, which no anomaly carries")
	}
}
