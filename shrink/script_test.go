package shrink

import (
	"regexp"
	"strings"
	"testing"

	"github.com/d1check/d1check/checker"
	"github.com/d1check/d1check/scenarios"
	"github.com/rogpeppe/go-internal/txtar"
)

// The testscript embeds a scenario that parses back to the smallest one,
// runs the gate on it and pins the counts the search saw, in patterns
// that match the gate's lines.
func TestTestscriptPinsTheSmallestRun(t *testing.T) {
	small := big()
	small.Name, small.Clients, small.Ops = "big-min", 2, 2
	small.Expect = &scenarios.Expect{Verdict: "invalid", Anomalies: []string{"duplicate-create", "stale-read"}}
	res := &Result{Original: big(), Smallest: small, Target: []checker.Kind{checker.DuplicateCreate},
		Last: Outcome{Verdict: checker.Invalid, Kinds: []checker.Kind{checker.DuplicateCreate, checker.StaleRead}, Count: 5,
			PerKind: map[checker.Kind]int{checker.DuplicateCreate: 2, checker.StaleRead: 3}}}
	res.Run.Result = &checker.Result{Anomalies: []checker.Anomaly{{Kind: checker.DuplicateCreate, Explanation: "op 1 and op 2 both created"},
		{Kind: checker.DuplicateCreate, Explanation: "op 3 and op 4"}, {Kind: checker.StaleRead, Explanation: "op 5 read nothing"}}}
	ar := txtar.Parse(Testscript(res, "d1check shrink big.yaml --seed 7"))
	if len(ar.Files) != 1 || ar.Files[0].Name != "big-min.yaml" {
		t.Fatalf("files %v", ar.Files)
	}
	back, err := scenarios.Parse("big-min.yaml", ar.Files[0].Data, nil)
	if err != nil {
		t.Fatal(err)
	}
	back.File = ""
	if scenarios.Format(back) == nil || string(scenarios.Format(back)) != string(scenarios.Format(small)) {
		t.Fatalf("embedded scenario differs:\n%s", ar.Files[0].Data)
	}
	script := string(ar.Comment)
	if !strings.Contains(script, "exitcode 0 d1check gate big-min.yaml --out out\n") ||
		!strings.Contains(script, "`d1check shrink big.yaml --seed 7`") ||
		!strings.Contains(script, "\n#   duplicate-create: op 1 and op 2 both created\n#   stale-read: op 5 read nothing\n") ||
		!strings.Contains(script, "24 clients, 3000 ops, 40 keys (hot 0.3 on 2) shrunk to 2 clients, 2 ops") {
		t.Fatalf("script:\n%s", script)
	}
	// What the gate prints for this run, and a line with another count.
	gate := "big-min                                      invalid  5 anomalies  (as expected)\n" +
		"    duplicate-create (2): op 3 …\n    stale-read (3): op 1 …\ngate passed: 1 scenarios met their expectations\n"
	var greps int
	for _, line := range strings.Split(script, "\n") {
		if !strings.HasPrefix(line, "grep '") {
			continue
		}
		greps++
		pattern := strings.TrimSuffix(strings.TrimPrefix(line, "grep '"), "' stdout.txt")
		re := regexp.MustCompile("(?m)" + pattern)
		if !re.MatchString(gate) {
			t.Errorf("%q does not match the gate's output", pattern)
		}
		if re.MatchString(strings.NewReplacer("5 anomalies", "6 anomalies", "(2)", "(1)", "(3)", "(4)", "1 scenarios", "2 scenarios").Replace(gate)) {
			t.Errorf("%q also matches other counts", pattern)
		}
	}
	if greps != 4 {
		t.Errorf("%d greps, want the summary line, one per kind and the gate's verdict", greps)
	}
}
