package reports

import (
	"testing"

	"github.com/d1check/d1check/checker"
	"github.com/d1check/d1check/scenarios"
)

func TestGeneratedHistoriesCheckAsDesigned(t *testing.T) {
	fresh := checkedRun(t, "fresh", genConfig{Ops: 300, Processes: 6, Keys: 5, Seed: 1}, nil)
	if fresh.Result.Verdict != checker.Valid {
		t.Fatalf("fresh reads: verdict %s, anomalies %+v", fresh.Result.Verdict, fresh.Result.Anomalies)
	}
	stale := checkedRun(t, "stale", genConfig{Ops: 300, Processes: 6, Keys: 5, Lag: 4, Seed: 1}, nil)
	if stale.Result.Verdict != checker.Invalid {
		t.Fatalf("stale reads: verdict %s", stale.Result.Verdict)
	}
	if !contains(anomalyKinds(stale.Result), string(checker.DuplicateCreate)) {
		t.Fatalf("stale reads: kinds %v, want duplicate-create", anomalyKinds(stale.Result))
	}
}

func TestVerdictIsWorstAndNothingIsUnknown(t *testing.T) {
	ok := Run{Result: &checker.Result{Verdict: checker.Valid}}
	bad := Run{Result: &checker.Result{Verdict: checker.Invalid}}
	unk := Run{Result: &checker.Result{Verdict: checker.Unknown}}
	odd := Run{Result: &checker.Result{Verdict: "maybe"}}
	for _, c := range []struct {
		runs []Run
		want checker.Verdict
	}{
		{nil, checker.Unknown},
		{[]Run{ok}, checker.Valid},
		{[]Run{ok, unk}, checker.Unknown},
		{[]Run{unk, bad, ok}, checker.Invalid},
		{[]Run{ok, {}}, checker.Unknown}, // not checked
		{[]Run{ok, odd}, checker.Unknown},
	} {
		if got := (&Report{Runs: c.runs}).Verdict(); got != c.want {
			t.Errorf("Verdict(%d runs) = %s, want %s", len(c.runs), got, c.want)
		}
	}
}

func TestValidateRefusesIncompleteRuns(t *testing.T) {
	run := checkedRun(t, "v", genConfig{Ops: 20, Processes: 4, Keys: 2, Seed: 3}, nil)
	for name, r := range map[string]*Report{
		"nil report":     nil,
		"no history":     {Runs: []Run{{Result: run.Result, HistoryPath: "h.jsonl"}}},
		"no result":      {Runs: []Run{{History: run.History, HistoryPath: "h.jsonl"}}},
		"no expectation": {Runs: []Run{{History: run.History, Result: run.Result, HistoryPath: "h.jsonl"}}},
	} {
		if err := r.Validate(); err == nil {
			t.Errorf("%s: Validate accepted it", name)
		}
	}
}

func TestGroupRunsInGuideOrder(t *testing.T) {
	mk := func(w string) Run { return Run{Scenario: &scenarios.Scenario{Workload: w}} }
	gs := groupRuns([]Run{mk("users"), mk("zeta"), mk("auth"), {}, mk("cdn"), mk("users"), mk("alpha")})
	var got []string
	for _, g := range gs {
		got = append(got, g.Workload)
	}
	want := []string{"auth", "cdn", "users", "alpha", "zeta", ""}
	if len(got) != len(want) {
		t.Fatalf("groups %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("groups %q, want %q", got, want)
		}
	}
	if len(gs[2].Runs) != 2 || gs[2].Runs[0] != 0 || gs[2].Runs[1] != 5 {
		t.Errorf("users runs %v, want [0 5]", gs[2].Runs)
	}
}

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}
