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

// TestNotApplicableIsSaid: a check's not-applicable count reaches
// summary.json, the page and junit.xml as such, never as checked keys.
func TestNotApplicableIsSaid(t *testing.T) {
	run := checkedRun(t, "na", genConfig{Ops: 60, Processes: 4, Keys: 2, Seed: 5}, nil)
	inv := &run.Result.Checks[2]
	if inv.Name != checker.CheckInvariants {
		t.Fatalf("third check is %s", inv.Name)
	}
	inv.NotApplicable, inv.Note = 7, "not applicable to the keys of the versioned model: no invariant is defined for them"
	html, junit, summary, _ := render(t, &Report{Runs: []Run{run}})
	if !strings.Contains(summary, `"not_applicable": 7`) {
		t.Errorf("summary.json does not count the 7 keys not applicable")
	}
	for name, out := range map[string]string{"index.html": html, "junit.xml": junit} {
		if !strings.Contains(out, "not applicable to 7") {
			t.Errorf("%s does not say the check was not applicable to 7 keys", name)
		}
	}
}

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
