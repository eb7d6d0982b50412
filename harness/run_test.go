package harness

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/d1check/d1check/checker"
	"github.com/d1check/d1check/history"
	"github.com/d1check/d1check/scenarios"
)

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
	// real gives an expectation a real-time part: duplicate-create must
	// show, double-use may.
	real := func(s *scenarios.Scenario) *scenarios.Scenario {
		s.Expect.Real = &scenarios.ExpectKind{Anomalies: []string{"duplicate-create"}, Allow: []string{"double-use"}}
		return s
	}
	onTime := func(s *scenarios.Scenario, kind, time string) *scenarios.Scenario {
		s.Target.Kind, s.Target.Time = kind, time
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
		{"an unrecognised verdict is not valid", Run{Scenario: exp("valid"), Result: res("maybe")}, false},
		{"not checked", Run{Scenario: exp("valid")}, false},
		{"allowed kind present", Run{Scenario: allow(exp("invalid", "duplicate-create"), "stale-read"),
			Result: res(checker.Invalid, "duplicate-create", "stale-read")}, true},
		{"allowed kind absent", Run{Scenario: allow(exp("invalid", "duplicate-create"), "stale-read"),
			Result: res(checker.Invalid, "duplicate-create")}, true},
		{"allowed kind alone does not meet a required one", Run{Scenario: allow(exp("invalid", "duplicate-create"), "stale-read"),
			Result: res(checker.Invalid, "stale-read")}, false},
		{"kind neither required nor allowed", Run{Scenario: allow(exp("invalid", "duplicate-create"), "stale-read"),
			Result: res(checker.Invalid, "duplicate-create", "lost-write")}, false},
		// expect.real holds runs on real time to its own kinds, and only them.
		{"simulated run: exact kinds, real ignored", Run{Scenario: onTime(real(exp("invalid", "duplicate-create", "stale-read")), "emulator", "simulated"),
			Result: res(checker.Invalid, "duplicate-create")}, false},
		{"simulated run: exact kinds met", Run{Scenario: onTime(real(exp("invalid", "duplicate-create", "stale-read")), "emulator", "simulated"),
			Result: res(checker.Invalid, "duplicate-create", "stale-read")}, true},
		{"real-time run: real's required kind alone", Run{Scenario: onTime(real(exp("invalid", "duplicate-create", "stale-read")), "workerd", "real"),
			Result: res(checker.Invalid, "duplicate-create")}, true},
		{"real-time run: real's allowed kind", Run{Scenario: onTime(real(exp("invalid", "duplicate-create", "stale-read")), "emulator", "real"),
			Result: res(checker.Invalid, "duplicate-create", "double-use")}, true},
		{"real-time run: a kind real does not name", Run{Scenario: onTime(real(exp("invalid", "duplicate-create", "stale-read")), "workerd", "real"),
			Result: res(checker.Invalid, "duplicate-create", "lost-write")}, false},
		{"real-time run: real's required kind missing", Run{Scenario: onTime(real(exp("invalid", "duplicate-create", "stale-read")), "workerd", "real"),
			Result: res(checker.Invalid, "stale-read")}, false},
	} {
		e := Expectation(c.run)
		// The sentence says which way it went: "… and got it" when met,
		// "…, got <what differs>" or "… not checked" when not.
		said := strings.HasSuffix(e.Why, " and got it")
		if e.Met != c.met || said != c.met || !c.met && !strings.Contains(e.Why, ", got ") && !strings.HasSuffix(e.Why, "not checked") {
			t.Errorf("%s: met %v (%q), want %v", c.name, e.Met, e.Why, c.met)
		}
	}
	if e := Expectation(Run{Scenario: allow(exp("valid"), "stale-read"), Result: res(checker.Invalid, "stale-read")}); e.Why != "expected valid with no anomalies (may also show stale-read), got verdict invalid" {
		t.Errorf("why %q: want the verdict named as what differs", e.Why)
	}
	e := Expectation(Run{Scenario: allow(exp("invalid", "stale-read", "stale-read"), "lost-update"), Result: res(checker.Invalid, "lost-write")})
	for _, want := range []string{"missing stale-read", "unexpected lost-write", "invalid with stale-read (may also show lost-update)"} {
		if !strings.Contains(e.Why, want) {
			t.Errorf("why %q does not say %q", e.Why, want)
		}
	}
	if !e.Stated || e.Text != "invalid with stale-read (may also show lost-update)" || len(e.Anomalies) != 1 {
		t.Errorf("expectation %+v: want it stated, its kinds deduplicated and described", e)
	}
	if e := Expectation(Run{Result: res(checker.Valid)}); e.Stated || !e.Met || e.Text != "valid with no anomalies" {
		t.Errorf("no expect: %+v, want held to valid with no anomalies, unstated", e)
	}
}

// A run made from a history file alone takes its scenario, and so its
// expectation, from the header; a header scenario that does not decode is
// an error, never a report that silently drops it.
func TestScenarioFromHistoryHeader(t *testing.T) {
	h := &history.History{Header: history.Header{Scenario: []byte(`{"name":"from-header","workload":"magic-codes","expect":{"verdict":"invalid"}}`)}}
	run := Run{HistoryPath: filepath.Join("out", "x", "history.jsonl"), History: h, Result: &checker.Result{Verdict: checker.Valid}}
	s, err := scenarioOf(run)
	if err != nil || s == nil || s.Name != "from-header" || s.Workload != "magic-codes" {
		t.Fatalf("scenarioOf = %+v, %v", s, err)
	}
	rep, err := Report("t", h.Header.StartedAt, "c", []Run{run})
	if err != nil || rep.Runs[0].Scenario.Name != "from-header" || rep.Runs[0].Expect.Met || !rep.Runs[0].Expect.Stated {
		t.Fatalf("Report = %+v, %v: want the header's scenario, held to its expect (invalid), not met", rep, err)
	}
	h.Header.Scenario = []byte(`{"name": 12}`)
	if _, err := scenarioOf(run); err == nil {
		t.Fatal("a header scenario of the wrong shape decoded silently")
	}
	if _, err := Report("t", h.Header.StartedAt, "c", []Run{run}); err == nil {
		t.Fatal("Report accepted a bad header scenario")
	}
}
