package checker

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/d1check/d1check/history"
)

// expectation is a corpus file's header scenario.expect: the verdict
// overall and per check, and the anomalies as "check:kind". Blame names,
// by "check:kind", a blame other than the check's own (a linearizability
// anomaly a session guarantee explains is the database's). Error, for a
// history the checker must refuse, is what the error must say.
type expectation struct {
	Verdict   Verdict            `json:"verdict"`
	Checks    map[string]Verdict `json:"checks"`
	Anomalies []string           `json:"anomalies"`
	Blame     map[string]Blame   `json:"blame"`
	Error     string             `json:"error"`
	// Says are phrases the anomalies' sentences must contain.
	Says []string `json:"says"`
}

// corpusFile is one history of the corpus with what it must give.
type corpusFile struct {
	path   string
	expect expectation
	h      *history.History // nil when reading it failed
	err    error
}

func readCorpus(t *testing.T) map[string]corpusFile {
	t.Helper()
	files, err := filepath.Glob("testdata/*.jsonl")
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus: %v", err)
	}
	out := map[string]corpusFile{}
	for _, f := range files {
		cf := corpusFile{path: f, expect: expectOf(t, f)}
		cf.h, cf.err = history.ReadFile(f)
		if cf.err != nil && cf.expect.Error == "" {
			t.Fatalf("%s: %v", f, cf.err)
		}
		out[strings.TrimSuffix(filepath.Base(f), ".jsonl")] = cf
	}
	return out
}

// expectOf reads scenario.expect from the file's header line, which holds
// even when a later line is one the reader must refuse.
func expectOf(t *testing.T, path string) expectation {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	first, _, _ := strings.Cut(string(data), "\n")
	var hd struct {
		Scenario struct {
			Expect *expectation `json:"expect"`
		} `json:"scenario"`
	}
	if err := json.Unmarshal([]byte(first), &hd); err != nil || hd.Scenario.Expect == nil {
		t.Fatalf("%s: header has no scenario.expect: %v", path, err)
	}
	return *hd.Scenario.Expect
}

func anomalyKinds(r *Result) []string {
	var got []string
	for _, a := range r.Anomalies {
		k := a.Check + ":" + string(a.Kind)
		if !slices.Contains(got, k) {
			got = append(got, k)
		}
	}
	slices.Sort(got)
	return got
}

func TestCorpus(t *testing.T) {
	seen := map[string]bool{}
	for name, cf := range readCorpus(t) {
		want := cf.expect
		for _, k := range want.Anomalies {
			seen[k[strings.Index(k, ":")+1:]] = true
		}
		t.Run(name, func(t *testing.T) {
			h := cf.h
			if want.Error != "" {
				err := cf.err
				if err == nil {
					_, err = Check(h, Options{})
				}
				if err == nil || !strings.Contains(err.Error(), want.Error) {
					t.Fatalf("error %v, want one saying %q", err, want.Error)
				}
				t.Logf("error: %v", err)
				return
			}
			res, err := Check(h, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if res.Verdict != want.Verdict {
				t.Errorf("verdict %s, want %s", res.Verdict, want.Verdict)
			}
			for _, c := range res.Checks {
				if w, ok := want.Checks[c.Name]; ok && c.Verdict != w {
					t.Errorf("%s: %s, want %s", c.Name, c.Verdict, w)
				}
			}
			if got := anomalyKinds(res); !slices.Equal(got, want.Anomalies) && !(len(got) == 0 && len(want.Anomalies) == 0) {
				t.Errorf("anomalies %v, want %v", got, want.Anomalies)
			}
			var said strings.Builder
			for _, a := range res.Anomalies {
				checkAnomaly(t, h, a, want.Blame)
				t.Logf("%s/%s [%s]: %s", a.Check, a.Kind, a.Blame, a.Explanation)
				said.WriteString(a.Explanation + "\n")
			}
			for _, c := range res.Checks {
				said.WriteString(c.Note + "\n")
			}
			for _, phrase := range want.Says {
				if !strings.Contains(said.String(), phrase) {
					t.Errorf("no sentence says %q", phrase)
				}
			}
		})
	}
	// Every kind must be proven failing by some file; the valid files are
	// the must-pass side.
	for _, k := range []Kind{DuplicateCreate, StaleRead, DoubleUse, FalseReject, ReadYourWrites, MonotonicRead, BookmarkRegression, LostWrite, LostUpdate, NonLinearizable} {
		if !seen[string(k)] {
			t.Errorf("no corpus history expects %s", k)
		}
	}
}

// checkAnomaly holds every anomaly to the contract: a sentence, events
// that exist, the blame its check implies.
func checkAnomaly(t *testing.T, h *history.History, a Anomaly, blames map[string]Blame) {
	t.Helper()
	if a.Explanation == "" || strings.Count(a.Explanation, ". ") > 0 || !strings.Contains(a.Explanation, " ms") {
		t.Errorf("%s: want one sentence with times, got %q", a.Kind, a.Explanation)
	}
	if len(a.Events) == 0 {
		t.Errorf("%s: no events", a.Kind)
	}
	for _, i := range a.Events {
		if i < 0 || i >= len(h.Events) {
			t.Errorf("%s: event %d out of range", a.Kind, i)
		}
	}
	wantBlame := BlameApplication
	if a.Check == CheckSessionGuarantees || a.Kind == LostWrite {
		wantBlame = BlameDatabase
	}
	if b, ok := blames[a.Check+":"+string(a.Kind)]; ok {
		wantBlame = b
	}
	if a.Blame != wantBlame {
		t.Errorf("%s/%s: blame %s, want %s", a.Check, a.Kind, a.Blame, wantBlame)
	}
}
