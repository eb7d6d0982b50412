package reports

import (
	"strings"
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

func TestExpectation(t *testing.T) {
	res := func(v checker.Verdict, kinds ...checker.Kind) *checker.Result {
		r := &checker.Result{Verdict: v}
		for _, k := range kinds {
			r.Anomalies = append(r.Anomalies, checker.Anomaly{Kind: k})
		}
		return r
	}
	exp := func(v string, kinds ...string) *scenarios.Scenario {
		return &scenarios.Scenario{Name: "s", Expect: &scenarios.Expect{Verdict: v, Anomalies: kinds}}
	}
	allow := func(s *scenarios.Scenario, kinds ...string) *scenarios.Scenario {
		s.Expect.Allow = kinds
		return s
	}
	for _, c := range []struct {
		name string
		run  Run
		met  bool
	}{
		{"equal sets, any order and repetition", Run{Scenario: exp("invalid", "stale-read", "duplicate-create"),
			Result: res(checker.Invalid, "duplicate-create", "stale-read", "duplicate-create")}, true},
		{"missing kind", Run{Scenario: exp("invalid", "stale-read", "duplicate-create"), Result: res(checker.Invalid, "duplicate-create")}, false},
		{"extra kind", Run{Scenario: exp("invalid", "duplicate-create"), Result: res(checker.Invalid, "duplicate-create", "lost-write")}, false},
		{"verdict differs", Run{Scenario: exp("invalid"), Result: res(checker.Valid)}, false},
		{"valid as expected", Run{Scenario: exp("valid"), Result: res(checker.Valid)}, true},
		{"no expect means valid", Run{Scenario: &scenarios.Scenario{Name: "s"}, Result: res(checker.Valid)}, true},
		{"no expect, invalid", Run{Result: res(checker.Invalid, "stale-read")}, false},
		{"unknown is not valid", Run{Scenario: exp("valid"), Result: res(checker.Unknown)}, false},
		{"not checked", Run{Scenario: exp("valid")}, false},
		{"allowed kind present", Run{Scenario: allow(exp("invalid", "duplicate-create"), "stale-read"),
			Result: res(checker.Invalid, "duplicate-create", "stale-read")}, true},
		{"allowed kind absent", Run{Scenario: allow(exp("invalid", "duplicate-create"), "stale-read"),
			Result: res(checker.Invalid, "duplicate-create")}, true},
		{"allowed kind alone does not meet a required one", Run{Scenario: allow(exp("invalid", "duplicate-create"), "stale-read"),
			Result: res(checker.Invalid, "stale-read")}, false},
		{"kind neither required nor allowed", Run{Scenario: allow(exp("invalid", "duplicate-create"), "stale-read"),
			Result: res(checker.Invalid, "duplicate-create", "lost-write")}, false},
	} {
		met, why := Expectation(c.run)
		// The sentence says which way it went: "… and got it" when met,
		// "…, got <what differs>" or "… not checked" when not.
		said := strings.HasSuffix(why, " and got it")
		if met != c.met || said != c.met || !c.met && !strings.Contains(why, ", got ") && !strings.HasSuffix(why, "not checked") {
			t.Errorf("%s: met %v (%q), want %v", c.name, met, why, c.met)
		}
	}
	for _, c := range []struct {
		run  Run
		want string
	}{
		{Run{Scenario: exp("invalid", "stale-read"), Result: res(checker.Invalid, "lost-write")},
			"expected invalid with stale-read, got missing stale-read; unexpected lost-write"},
		{Run{Scenario: allow(exp("valid"), "stale-read"), Result: res(checker.Invalid, "stale-read")},
			"expected valid with no anomalies (may also show stale-read), got verdict invalid"},
		{Run{Result: res(checker.Valid)}, "no expect in the scenario, so expected valid with no anomalies and got it"},
	} {
		if _, why := Expectation(c.run); why != c.want {
			t.Errorf("why = %q\nwant  %q", why, c.want)
		}
	}
}

func TestScenarioFromHistoryHeader(t *testing.T) {
	run := checkedRun(t, "hdr", genConfig{Ops: 40, Processes: 4, Keys: 3, Seed: 2}, nil)
	run.History.Header.Scenario = []byte(`{"name":"from-header","workload":"magic-codes","expect":{"verdict":"valid"}}`)
	run.Scenario = nil
	s, err := ScenarioOf(run)
	if err != nil || s == nil || s.Name != "from-header" || s.Workload != "magic-codes" {
		t.Fatalf("ScenarioOf = %+v, %v", s, err)
	}
	run.History.Header.Scenario = []byte(`{"name": 12}`)
	if _, err := ScenarioOf(run); err == nil {
		t.Fatal("a header scenario of the wrong shape decoded silently")
	}
	if err := (&Report{Runs: []Run{run}}).Validate(); err == nil {
		t.Fatal("Validate accepted a bad header scenario")
	}
}

func TestValidateRefusesIncompleteRuns(t *testing.T) {
	run := checkedRun(t, "v", genConfig{Ops: 20, Processes: 4, Keys: 2, Seed: 3}, nil)
	for name, r := range map[string]*Report{
		"nil report": nil,
		"no history": {Runs: []Run{{Result: run.Result, HistoryPath: "h.jsonl"}}},
		"no result":  {Runs: []Run{{History: run.History, HistoryPath: "h.jsonl"}}},
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
