package reports

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/d1check/d1check/checker"
	"github.com/d1check/d1check/history"
)

func render(t *testing.T, r *Report) (html, junit, summary, md string) {
	t.Helper()
	dir := t.TempDir()
	if err := WriteAll(dir, r); err != nil {
		t.Fatalf("WriteAll: %v", err)
	}
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	// The single writers must agree with WriteAll byte for byte.
	for name, w := range map[string]func(*bytes.Buffer) error{
		FileHTML:     func(b *bytes.Buffer) error { return WriteHTML(b, r) },
		FileJUnit:    func(b *bytes.Buffer) error { return WriteJUnit(b, r) },
		FileSummary:  func(b *bytes.Buffer) error { return WriteSummaryJSON(b, r) },
		FileMarkdown: func(b *bytes.Buffer) error { return WriteSummaryMarkdown(b, r) },
	} {
		var b bytes.Buffer
		if err := w(&b); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if b.String() != read(name) {
			t.Errorf("%s: the single writer and WriteAll differ", name)
		}
	}
	return read(FileHTML), read(FileJUnit), read(FileSummary), read(FileMarkdown)
}

func TestHTMLStructure(t *testing.T) {
	r := sampleReport(t)
	html, _, _, _ := render(t, r)
	stale := r.Runs[0]
	for _, want := range []string{
		`<section class="verdict invalid"`, `>INVALID</div>`,
		`<table class="checks-table">`, "<th>unconstrained</th>", "linearizability", "session-guarantees", "invariants",
		`<svg xmlns="http://www.w3.org/2000/svg"`, `class="chart"`,
		"Your code is wrong", "D1 broke its promise", "cross-session linearizability failures are expected for unconstrained reads",
		"How to fix", "ON CONFLICT(email) DO NOTHING RETURNING id", "first_unconditional",
		"pause-replication", `class="fault"`, // the fault window is shaded
		"getOrCreateUser (users)",                         // per-workload sections
		`details class="viz"`, `textarea class="viz-doc"`, // porcupine, lazily loaded
	} {
		if !strings.Contains(html, want) {
			t.Errorf("index.html lacks %q", want)
		}
	}
	// Every anomaly drawn in full shows its proof sentence (escaped as the
	// template escapes it).
	a := stale.Result.Anomalies[0]
	if !strings.Contains(html, templateEscape(a.Explanation)) {
		t.Errorf("index.html lacks the anomaly sentence %q", a.Explanation)
	}
	if n := strings.Count(html, `class="op-stale`); n == 0 {
		t.Error("no stale read highlighted on any timeline")
	}
	// No network: nothing is fetched from anywhere.
	for _, bad := range []string{`src="http`, `href="http`, "@import", "<link "} {
		if strings.Contains(html, bad) {
			t.Errorf("index.html references the network: %q", bad)
		}
	}
}

func TestHTMLGroupsWorkloadsInGuideOrder(t *testing.T) {
	r := sampleReport(t)
	auth := checkedRun(t, "auth-x", genConfig{Ops: 30, Processes: 4, Keys: 2, Seed: 4}, nil)
	auth.Scenario.Workload = "auth"
	r.Runs = append(r.Runs, auth)
	html, _, _, _ := render(t, r)
	iAuth := strings.Index(html, `id="workload-auth"`)
	iUsers := strings.Index(html, `id="workload-users"`)
	if iAuth < 0 || iUsers < 0 || iAuth > iUsers {
		t.Errorf("auth section at %d, users at %d: want auth (phase 1) first", iAuth, iUsers)
	}
}

func TestHTMLEscapesHostileStrings(t *testing.T) {
	html, junit, summary, md := render(t, hostileReport(t))
	if strings.Contains(html, hostile) || strings.Contains(html, "<img src=x") || strings.Contains(html, "<b>u0</b>") {
		t.Error("index.html contains a hostile string unescaped")
	}
	// The page has exactly its own script: the one that loads porcupine.
	if n := strings.Count(html, "<script"); n != 1 {
		t.Errorf("index.html has %d <script tags, want 1 (its own)", n)
	}
	if !strings.Contains(html, "&lt;/script&gt;") {
		t.Error("the hostile string is not on the page at all: the test proves nothing")
	}
	var doc junitSuites
	if err := xml.Unmarshal([]byte(junit), &doc); err != nil {
		t.Fatalf("junit.xml with hostile strings does not parse: %v", err)
	}
	var s Summary
	if err := json.Unmarshal([]byte(summary), &s); err != nil {
		t.Fatalf("summary.json with hostile strings does not parse: %v", err)
	}
	if !strings.Contains(s.Scenarios[0].Name, hostile) {
		t.Error("summary.json lost the scenario's real name")
	}
	if strings.Contains(md, "<script") || strings.Contains(md, "<img") {
		t.Error("summary.md passes raw HTML through")
	}
}

// templateEscape is how html/template writes text in an element body.
func templateEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		case '"':
			b.WriteString("&#34;")
		case '\'':
			b.WriteString("&#39;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func TestJUnitStructure(t *testing.T) {
	r := sampleReport(t)
	_, junit, _, _ := render(t, r)
	var doc junitSuites
	if err := xml.Unmarshal([]byte(junit), &doc); err != nil {
		t.Fatalf("junit.xml: %v", err)
	}
	if len(doc.Suites) != len(r.Runs) {
		t.Fatalf("%d suites, want one per scenario (%d)", len(doc.Suites), len(r.Runs))
	}
	total, failures := 0, 0
	for i, s := range doc.Suites {
		checks := len(r.Runs[i].Result.Checks)
		if len(s.Cases) != checks+1 || s.Tests != checks+1 {
			t.Errorf("suite %s: %d cases (tests=%d), want %d checks + expectation", s.Name, len(s.Cases), s.Tests, checks)
		}
		total += s.Tests
		failures += s.Failures
	}
	if doc.Tests != total || doc.Failures != failures {
		t.Errorf("testsuites totals %d/%d, want %d/%d", doc.Tests, doc.Failures, total, failures)
	}
	// Run 0 is invalid as it expects: its invalid checks pass and carry
	// the sentences. Run 2 (no expect) is invalid: its checks fail with the
	// sentences, and its expectation case fails.
	byName := func(s junitSuite, name string) junitCase {
		for _, c := range s.Cases {
			if c.Name == name {
				return c
			}
		}
		t.Fatalf("suite %s has no case %s", s.Name, name)
		return junitCase{}
	}
	expected := byName(doc.Suites[0], checker.CheckLinearizability)
	if expected.Failure != nil || !strings.Contains(expected.SystemOut, "duplicate-create") {
		t.Errorf("an expected failure: %+v", expected)
	}
	bad := byName(doc.Suites[2], checker.CheckLinearizability)
	if bad.Failure == nil || !strings.Contains(bad.Failure.Text, r.Runs[2].Result.Anomalies[0].Explanation) {
		t.Errorf("an unexpected failure must carry the anomaly sentences: %+v", bad)
	}
	if byName(doc.Suites[2], "expectation").Failure == nil {
		t.Error("an unmet expectation must fail")
	}
	if byName(doc.Suites[1], "expectation").Failure != nil || byName(doc.Suites[1], checker.CheckInvariants).Failure != nil {
		t.Error("a valid scenario must pass")
	}
}

func TestJUnitUnknownIsAnError(t *testing.T) {
	run := checkedRun(t, "unk", genConfig{Ops: 20, Processes: 4, Keys: 2, Seed: 3}, nil)
	run.Result.Checks[0].Verdict = checker.Unknown
	run.Result.Verdict = checker.Unknown
	var b bytes.Buffer
	if err := WriteJUnit(&b, &Report{Runs: []Run{run}}); err != nil {
		t.Fatal(err)
	}
	var doc junitSuites
	if err := xml.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Errors != 1 || doc.Suites[0].Cases[0].Error == nil {
		t.Errorf("unknown check: errors=%d, case %+v", doc.Errors, doc.Suites[0].Cases[0])
	}
}

func TestSummaryJSONSchema(t *testing.T) {
	r := sampleReport(t)
	_, _, summary, _ := render(t, r)
	// Decode generically first: the schema is what consumers see, not
	// what our struct happens to accept.
	var raw map[string]any
	if err := json.Unmarshal([]byte(summary), &raw); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"schema", "verdict", "checks", "anomalies", "scenarios", "expectations_met"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("summary.json has no %q", k)
		}
	}
	var s Summary
	if err := json.Unmarshal([]byte(summary), &s); err != nil {
		t.Fatal(err)
	}
	if s.Schema != SummarySchema || s.Verdict != checker.Invalid || s.ExpectationsMet {
		t.Errorf("schema %q verdict %q expectations_met %v", s.Schema, s.Verdict, s.ExpectationsMet)
	}
	names := map[string]bool{}
	for _, c := range s.Checks {
		names[c.Name] = true
		if c.Verdict == "" {
			t.Errorf("check %s has no verdict", c.Name)
		}
	}
	for _, n := range []string{checker.CheckLinearizability, checker.CheckSessionGuarantees, checker.CheckInvariants} {
		if !names[n] {
			t.Errorf("top-level checks lack %s", n)
		}
	}
	want := 0
	for _, run := range r.Runs {
		want += len(run.Result.Anomalies)
	}
	if len(s.Anomalies) != want || want == 0 {
		t.Fatalf("%d top-level anomalies, want %d (> 0)", len(s.Anomalies), want)
	}
	for _, a := range s.Anomalies {
		if a.Kind == "" || a.Check == "" || len(a.Events) == 0 || a.Explanation == "" || a.Scenario == "" {
			t.Errorf("incomplete anomaly %+v", a)
		}
	}
	if len(s.Scenarios) != 3 {
		t.Fatalf("%d scenarios", len(s.Scenarios))
	}
	sc := s.Scenarios[0]
	if sc.Name != "users-unconstrained-none" || sc.File == "" || sc.Workload != "users" || !sc.ExpectStated || !sc.ExpectationMet ||
		sc.Counts.Events != len(r.Runs[0].History.Events) || sc.Counts.OK == 0 || sc.Counts.Nemesis != 2 || len(sc.Checks) != 3 {
		t.Errorf("scenario 0: %+v", sc)
	}
	if s.Scenarios[2].ExpectStated || s.Scenarios[2].ExpectationMet || s.Scenarios[2].Name != "saved" {
		t.Errorf("scenario 2 (no expect): %+v", s.Scenarios[2])
	}
	if strings.Contains(summary, "null") {
		t.Error("summary.json has a null list: lists must be []")
	}
}

func TestSummaryMarkdown(t *testing.T) {
	r := sampleReport(t)
	_, _, _, md := render(t, r)
	for _, want := range []string{"## ❌ d1check gate: INVALID", "| Scenario | Workload | Verdict |", "users-unconstrained-none",
		"**duplicate-create**", "### How to fix", "expectations met 2 of 3", "**Expectation not met:**"} {
		if !strings.Contains(md, want) {
			t.Errorf("summary.md lacks %q:\n%s", want, md)
		}
	}
}

func TestNoAnomalies(t *testing.T) {
	run := checkedRun(t, "users-atomic", genConfig{Ops: 100, Processes: 4, Keys: 3, Seed: 11}, nil)
	html, junit, summary, md := render(t, &Report{Title: "gate", Runs: []Run{run}})
	if !strings.Contains(html, `<section class="verdict valid"`) || !strings.Contains(html, "None found.") || strings.Contains(html, "How to fix") {
		t.Error("a valid report must say valid, none found, and give no fixes")
	}
	var doc junitSuites
	if err := xml.Unmarshal([]byte(junit), &doc); err != nil || doc.Failures != 0 || doc.Errors != 0 {
		t.Errorf("junit for a valid run: %v, %d failures, %d errors", err, doc.Failures, doc.Errors)
	}
	var s Summary
	if err := json.Unmarshal([]byte(summary), &s); err != nil || s.Verdict != checker.Valid || !s.ExpectationsMet || len(s.Anomalies) != 0 {
		t.Errorf("summary for a valid run: %v %+v", err, s)
	}
	if !strings.Contains(md, "✅") {
		t.Error("summary.md does not show a pass")
	}
}

func TestEmptyHistoryAndEmptyReport(t *testing.T) {
	empty := &history.History{Header: history.Header{D1check: "history", Version: 1}}
	res, err := checker.Check(empty, checker.Options{})
	if err != nil {
		t.Fatalf("checker on an empty history: %v", err)
	}
	html, junit, summary, _ := render(t, &Report{Runs: []Run{{HistoryPath: "out/empty/history.jsonl", History: empty, Result: res, Expect: expectFixture(nil, res)}}})
	if !strings.Contains(html, "0 events") || !strings.Contains(html, "No completed operations") {
		t.Error("an empty history's page does not say it is empty")
	}
	if err := xml.Unmarshal([]byte(junit), new(junitSuites)); err != nil {
		t.Error(err)
	}
	var s Summary
	if err := json.Unmarshal([]byte(summary), &s); err != nil || s.Scenarios[0].Name != "empty" {
		t.Errorf("%v %+v", err, s)
	}

	html, _, summary, _ = render(t, &Report{})
	if !strings.Contains(html, "nothing was checked") || !strings.Contains(html, `verdict unknown`) {
		t.Error("a report of nothing must say so and be unknown")
	}
	if err := json.Unmarshal([]byte(summary), &s); err != nil || s.Verdict != checker.Unknown || s.ExpectationsMet {
		t.Errorf("empty report summary: %v %+v", err, s)
	}
}

func TestBadInputIsAnError(t *testing.T) {
	run := checkedRun(t, "x", genConfig{Ops: 10, Processes: 4, Keys: 2, Seed: 1}, nil)
	for name, r := range map[string]*Report{
		"nil":       nil,
		"no result": {Runs: []Run{{History: run.History}}},
	} {
		for wname, w := range map[string]func(*bytes.Buffer, *Report) error{
			"html":  func(b *bytes.Buffer, r *Report) error { return WriteHTML(b, r) },
			"junit": func(b *bytes.Buffer, r *Report) error { return WriteJUnit(b, r) },
			"json":  func(b *bytes.Buffer, r *Report) error { return WriteSummaryJSON(b, r) },
			"md":    func(b *bytes.Buffer, r *Report) error { return WriteSummaryMarkdown(b, r) },
		} {
			if err := w(new(bytes.Buffer), r); err == nil {
				t.Errorf("%s report: %s writer accepted it", name, wname)
			}
		}
		if err := WriteAll(t.TempDir(), r); err == nil {
			t.Errorf("%s report: WriteAll accepted it", name)
		}
	}
	// A synthetic failure (no porcupine model) is reported on the page, not
	// a panic.
	run.Result.Failures = append(run.Result.Failures, checker.PartitionFailure{Model: "create-once", Key: "k"})
	var b bytes.Buffer
	if err := WriteHTML(&b, &Report{Runs: []Run{run}}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "porcupine could not render this partition") {
		t.Error("a failure without a model is not explained on the page")
	}
}

func TestHugeStringsStayBounded(t *testing.T) {
	run := checkedRun(t, "huge", genConfig{Ops: 60, Processes: 4, Keys: 2, Lag: 3, Seed: 5}, nil)
	big := strings.Repeat("x", 1<<20)
	for i := range run.History.Events {
		for j := range run.History.Events[i].Trace {
			run.History.Events[i].Trace[j].SQL = "SELECT '" + big + "'"
			run.History.Events[i].Trace[j].ServedBy = big
			run.History.Events[i].Trace[j].ServedByRegion = ""
		}
	}
	many := make([]int, 0, len(run.History.Events))
	for i := range run.History.Events {
		many = append(many, i)
	}
	huge := checker.Anomaly{Kind: checker.NonLinearizable, Check: checker.CheckLinearizability,
		Events: many, Explanation: big, Key: big, Blame: checker.BlameApplication}
	// Drawn in full (first) and listed (after maxDrawnAnomalies).
	run.Result.Anomalies = append([]checker.Anomaly{huge}, run.Result.Anomalies...)
	for len(run.Result.Anomalies) <= maxDrawnAnomalies {
		run.Result.Anomalies = append(run.Result.Anomalies, run.Result.Anomalies[1])
	}
	run.Result.Anomalies = append(run.Result.Anomalies, huge)
	var b bytes.Buffer
	if err := WriteHTML(&b, &Report{Runs: []Run{run}}); err != nil {
		t.Fatal(err)
	}
	if b.Len() > 1<<20 {
		t.Errorf("index.html is %d bytes: huge history strings leaked onto the page", b.Len())
	}
}
