package checker

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/d1check/d1check/history"
)

// TestFailuresVisualize: a rejected partition keeps porcupine's info, and
// it renders.
func TestFailuresVisualize(t *testing.T) {
	h, err := history.ReadFile("testdata/codes-double-use.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	res, err := Check(h, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Failures) != 1 || res.Failures[0].Model != "single-use" || res.Failures[0].Key != "a@x.test/123456" {
		t.Fatalf("failures %+v", res.Failures)
	}
	var b bytes.Buffer
	if err := res.Failures[0].Visualize(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "<html") || !strings.Contains(b.String(), "verify") {
		t.Fatalf("visualization lacks the history: %.200s", b.String())
	}
	if res, _ := Check(h, Options{MaxVisualizations: -1}); len(res.Failures) != 0 {
		t.Fatalf("MaxVisualizations -1 kept %d", len(res.Failures))
	}
}

// TestSummaryShape: the JSON summary.json is built from.
func TestSummaryShape(t *testing.T) {
	h, err := history.ReadFile("testdata/users-read-your-writes.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	res, err := Check(h, Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Verdict string `json:"verdict"`
		Checks  []struct {
			Name, Verdict string
		} `json:"checks"`
		Anomalies []struct {
			Kind, Check, Explanation, Blame string
			Events                          []int
		} `json:"anomalies"`
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if got.Verdict != "invalid" || len(got.Checks) != 3 || got.Checks[0].Name != "linearizability" ||
		got.Checks[1].Name != "session-guarantees" || got.Checks[2].Name != "invariants" {
		t.Fatalf("summary %s", b)
	}
	for _, a := range got.Anomalies {
		if a.Kind == "" || a.Check == "" || a.Explanation == "" || a.Blame == "" || len(a.Events) == 0 {
			t.Fatalf("incomplete anomaly in %s", b)
		}
	}
}

// TestMaxAnomalies caps the list, not the count.
func TestMaxAnomalies(t *testing.T) {
	h, err := history.ReadFile("testdata/users-lost-write.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	res, err := Check(h, Options{MaxAnomalies: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Anomalies) != 2 || res.Checks[0].Anomalies != 1 || res.Checks[2].Anomalies != 1 {
		t.Fatalf("anomalies %d, checks %+v", len(res.Anomalies), res.Checks)
	}
}
