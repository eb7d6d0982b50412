package reports

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/d1check/d1check/checker"
)

// junitSentences caps the anomaly sentences in one test case: CI systems
// show a failure's text inline, and the first few prove the point.
const junitSentences = 50

// JUnit XML, the subset every CI system reads: testsuites > testsuite >
// testcase with failure, error or system-out.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Time       string          `xml:"time,attr"`
	Properties []junitProperty `xml:"properties>property,omitempty"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// WriteJUnit writes junit.xml: one testsuite per scenario and one testcase
// per scenario × check, plus one "expectation" testcase per scenario.
//
// A check that found anomalies is a <failure> whose text is the anomaly
// sentences, one per line — unless the scenario expects exactly that
// (expect met, verdict invalid): a demo scenario that fails the way it
// should is a passing regression, so its cases pass and carry the
// sentences in <system-out>. An unknown verdict is an <error>: the check
// could not decide, which CI must not read as a pass. The expectation case
// fails whenever the run's expectation is not met.
func WriteJUnit(w io.Writer, r *Report) error {
	if err := r.Validate(); err != nil {
		return err
	}
	doc := junitSuites{Name: "d1check"}
	if r.Title != "" {
		doc.Name = r.Title
	}
	for i, run := range r.Runs {
		s := junitSuiteOf(run, i)
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Errors += s.Errors
		doc.Suites = append(doc.Suites, s)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func junitSuiteOf(run Run, i int) junitSuite {
	name := runName(run, i)
	class := "d1check." + name
	if w := workloadOf(run); w != "" {
		class = "d1check." + w + "." + name
	}
	met, why := run.Expect.Met, run.Expect.Why
	expectedInvalid := met && runVerdict(run) == checker.Invalid
	s := junitSuite{Name: name, Time: fmt.Sprintf("%.3f", float64(gatherDuration(run))/1e9)}
	s.Properties = []junitProperty{{"verdict", string(runVerdict(run))}, {"history", run.HistoryPath}, {"expectation", why}}
	byCheck := map[string][]string{}
	for _, a := range run.Result.Anomalies {
		byCheck[a.Check] = append(byCheck[a.Check], fmt.Sprintf("[%s] %s (events %s)", a.Kind, a.Explanation, joinInts(a.Events)))
	}
	for c, ss := range byCheck {
		if len(ss) > junitSentences {
			byCheck[c] = append(ss[:junitSentences:junitSentences], fmt.Sprintf("… and %d more (summary.json lists them)", len(ss)-junitSentences))
		}
	}
	for _, c := range run.Result.Checks {
		tc := junitCase{Name: c.Name, Classname: class}
		sentences := strings.Join(byCheck[c.Name], "\n")
		summary := fmt.Sprintf("%s: %s (%s); %d anomal%s", c.Name, c.Verdict, tally(c.Failed, c.Checked, c.Unknown, c.Unit), c.Anomalies, map[bool]string{true: "y", false: "ies"}[c.Anomalies == 1])
		switch {
		case c.Verdict == checker.Valid:
			tc.SystemOut = summary
		case c.Verdict == checker.Invalid && expectedInvalid:
			tc.SystemOut = summary + " — expected by the scenario\n" + sentences
		case c.Verdict == checker.Invalid:
			tc.Failure = &junitProblem{Message: summary, Type: "invalid", Text: sentences}
			s.Failures++
		default:
			tc.Error = &junitProblem{Message: summary + ": the check could not decide; unknown is never valid", Type: "unknown", Text: c.Note}
			s.Errors++
		}
		s.Cases = append(s.Cases, tc)
	}
	tc := junitCase{Name: "expectation", Classname: class, SystemOut: why}
	if !met {
		tc.SystemOut = ""
		tc.Failure = &junitProblem{Message: why, Type: "expectation"}
		s.Failures++
	}
	s.Cases = append(s.Cases, tc)
	s.Tests = len(s.Cases)
	return s
}

// gatherDuration is the run's length: the last event's time.
func gatherDuration(run Run) int64 {
	if run.History == nil || len(run.History.Events) == 0 {
		return 0
	}
	return run.History.Events[len(run.History.Events)-1].Time
}

func joinInts(xs []int) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = fmt.Sprint(x)
	}
	return strings.Join(parts, ", ")
}
