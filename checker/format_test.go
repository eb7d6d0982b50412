package checker

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/d1check/d1check/history"
	"github.com/d1check/d1check/internal/docexamples"
)

const formatDoc = "../history/FORMAT.md"

// TestFormatExamplesDecode checks every history example of
// history/FORMAT.md as `d1check check` would: every op value decodes, and
// an example whose header states an expectation gets that verdict and
// those anomaly kinds.
func TestFormatExamplesDecode(t *testing.T) {
	blocks, err := docexamples.Read(formatDoc, "jsonl")
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, b := range blocks {
		text := b.Text
		switch b.Tag {
		case "":
		case "cut-off":
			text = strings.TrimSuffix(text, "\n")
		default:
			continue // refused by the reader: history's test
		}
		h, err := history.Read(strings.NewReader(text), "h.jsonl")
		if err != nil {
			t.Errorf("FORMAT.md:%d: %v", b.Line, err)
			continue
		}
		res, err := Check(h, Options{})
		if err != nil {
			t.Errorf("FORMAT.md:%d: %v", b.Line, err)
			continue
		}
		checked++
		want := headerExpect(t, h)
		if string(res.Verdict) != want.Verdict || !slices.Equal(kinds(res), want.Anomalies) {
			t.Errorf("FORMAT.md:%d: %s %v, want %s %v", b.Line, res.Verdict, kinds(res), want.Verdict, want.Anomalies)
		}
	}
	if checked < 5 {
		t.Fatalf("checked %d examples of FORMAT.md", checked)
	}
}

// headerExpect is the expect of h's header scenario: valid with no anomaly
// when it states none.
func headerExpect(t *testing.T, h *history.History) (exp struct {
	Verdict   string   `json:"verdict"`
	Anomalies []string `json:"anomalies"`
}) {
	t.Helper()
	var sc struct {
		Expect *struct {
			Verdict   string   `json:"verdict"`
			Anomalies []string `json:"anomalies"`
		} `json:"expect"`
	}
	if len(h.Header.Scenario) > 0 {
		if err := json.Unmarshal(h.Header.Scenario, &sc); err != nil {
			t.Fatal(err)
		}
	}
	exp.Verdict = string(Valid)
	if sc.Expect != nil {
		exp.Verdict, exp.Anomalies = sc.Expect.Verdict, sc.Expect.Anomalies
		slices.Sort(exp.Anomalies)
	}
	return exp
}

func kinds(r *Result) []string {
	var out []string
	for _, a := range r.Anomalies {
		if !slices.Contains(out, string(a.Kind)) {
			out = append(out, string(a.Kind))
		}
	}
	slices.Sort(out)
	return out
}

// TestFormatDocumentsEveryOp: every op the checker knows has a row in
// FORMAT.md's op tables and an invoke in one of its examples, and every
// op FORMAT.md's tables name is one the checker knows.
func TestFormatDocumentsEveryOp(t *testing.T) {
	doc, err := os.ReadFile(formatDoc)
	if err != nil {
		t.Fatal(err)
	}
	var invoked []string // the f of every invoke in an example
	for _, line := range strings.Split(string(doc), "\n") {
		var e history.Event
		if json.Unmarshal([]byte(line), &e) == nil && e.Type == history.Invoke {
			invoked = append(invoked, e.F)
		}
	}
	for f := range ops {
		if !strings.Contains(string(doc), "| `"+f+"`") {
			t.Errorf("FORMAT.md's op tables have no row for %s", f)
		}
		if !slices.Contains(invoked, f) {
			t.Errorf("no example of FORMAT.md invokes %s", f)
		}
	}
}
