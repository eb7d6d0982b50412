package checker

import (
	"bytes"
	"encoding/json"
	"fmt"
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
	if len(got.Anomalies) != len(res.Anomalies) || len(got.Anomalies) == 0 {
		t.Fatalf("summary has %d anomalies, the result %d, want the same and some: %s", len(got.Anomalies), len(res.Anomalies), b)
	}
	for _, a := range got.Anomalies {
		if a.Kind == "" || a.Check == "" || a.Explanation == "" || a.Blame == "" || len(a.Events) == 0 {
			t.Fatalf("incomplete anomaly in %s", b)
		}
	}
}

// TestMaxAnomalies caps the list, not the count: with a duplicate create
// on each of three emails, linearizability and invariants find three
// anomalies each; a cap of 1 keeps one of each and the counts stay 3.
func TestMaxAnomalies(t *testing.T) {
	h, err := history.ReadFile("testdata/users-duplicate-create.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	h.Events = onKeys(h.Events, 3)
	count := func(r *Result, check string) (listed int) {
		for _, a := range r.Anomalies {
			if a.Check == check {
				listed++
			}
		}
		return listed
	}
	for _, tc := range []struct {
		max, listed int
	}{{-1, 3}, {1, 1}, {2, 2}} {
		res, err := Check(h, Options{MaxAnomalies: tc.max})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []int{0, 2} {
			name := res.Checks[c].Name
			if got := count(res, name); got != tc.listed || res.Checks[c].Anomalies != 3 {
				t.Errorf("MaxAnomalies %d: %s lists %d anomalies and counts %d, want %d listed and 3 counted",
					tc.max, name, got, res.Checks[c].Anomalies, tc.listed)
			}
		}
	}
}

// onKeys repeats evs n times one after the other, each copy on keys,
// sessions and processes of its own, so that every anomaly of evs is
// found n times.
func onKeys(evs []history.Event, n int) []history.Event {
	var out []history.Event
	var offset int64
	for c := 0; c < n; c++ {
		for _, e := range evs {
			e.Index = len(out)
			e.Key = fmt.Sprintf("c%d-%s", c, e.Key)
			if e.Session != "" {
				e.Session = fmt.Sprintf("c%d-%s", c, e.Session)
			}
			e.Process += c * 1000
			e.Time += offset
			out = append(out, e)
		}
		offset = out[len(out)-1].Time + 1
	}
	return out
}
