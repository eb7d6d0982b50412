package reports

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	"github.com/d1check/d1check/checker"
	"github.com/d1check/d1check/scenarios"
)

// TestConsoleText: a run's line says its verdict, its expectation when the
// scenario stated one, and each kind once with its count; a check's text
// says when the file was cut off and ends with the verdict.
func TestConsoleText(t *testing.T) {
	run := checkedRun(t, "stale", genConfig{Ops: 300, Processes: 6, Keys: 5, Lag: 4, Seed: 1}, &scenarios.Expect{Verdict: "valid"})
	var b bytes.Buffer
	WriteRunLine(&b, "stale", run.Result, run.Expect)
	line := b.String()
	n := 0
	for _, a := range run.Result.Anomalies {
		if a.Kind == checker.DuplicateCreate {
			n++
		}
	}
	for _, want := range []string{"stale ", " invalid ", "(NOT as expected: " + run.Expect.Why + ")", "    duplicate-create (" + strconv.Itoa(n) + "): "} {
		if !strings.Contains(line, want) {
			t.Errorf("run line lacks %q:\n%s", want, line)
		}
	}
	if strings.Count(line, "duplicate-create (") != 1 {
		t.Errorf("a kind is listed more than once:\n%s", line)
	}
	b.Reset()
	run.Expect.Stated = false
	WriteRunLine(&b, "stale", run.Result, run.Expect)
	if strings.Contains(b.String(), "expected") {
		t.Errorf("a run without a stated expectation mentions one: %s", b.String())
	}

	b.Reset()
	run.History.Truncated, run.History.Synthesized = true, 3
	WriteCheckText(&b, run)
	text := b.String()
	for _, want := range []string{"cut off mid-line; 3 operations", checker.CheckInvariants, "verdict: invalid\n"} {
		if !strings.Contains(text, want) {
			t.Errorf("check text lacks %q:\n%s", want, text)
		}
	}
}
