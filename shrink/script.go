package shrink

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/d1check/d1check/checker"
	"github.com/d1check/d1check/scenarios"
)

// ScenarioFile is the smallest scenario as a file, with a comment saying
// where it came from; command is the shrink command that found it.
func ScenarioFile(r *Result, command string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "# The smallest run `%s` found that still shows %s:\n", command, joinKinds(r.Target))
	fmt.Fprintf(&b, "# %s shrunk to %s.\n", size(r.Original), size(r.Smallest))
	fmt.Fprintf(&b, "# It runs on simulated time and replays from its seed, so expect is exact.\n")
	b.Write(scenarios.Format(r.Smallest))
	return []byte(b.String())
}

// Testscript is a testscript (testdata/script/*.txtar) that pins the
// smallest run as a regression: `d1check gate` on the embedded scenario
// must pass, with exactly the anomaly count and the count of each kind the
// search saw. The run is deterministic, so exact counts cannot flake; a
// change in them is a change in behaviour to understand before updating
// the file.
func Testscript(r *Result, command string) []byte {
	s := r.Smallest
	file := s.Name + ".yaml"
	var b strings.Builder
	fmt.Fprintf(&b, "# Regression found by `%s`:\n", command)
	fmt.Fprintf(&b, "# %s shrunk to %s, still showing %s.\n", size(r.Original), size(r.Smallest), joinKinds(r.Target))
	if r.Run.Result != nil {
		fmt.Fprintf(&b, "# What it shows:\n")
		for _, a := range firstOfEachKind(r.Run.Result.Anomalies) {
			fmt.Fprintf(&b, "#   %s: %s\n", a.Kind, a.Explanation)
		}
	}
	fmt.Fprintf(&b, "# The run replays from its seed, so the counts below are exact.\n")
	fmt.Fprintf(&b, "exitcode 0 d1check gate %s --out out\n", file)
	fmt.Fprintf(&b, "grep '^%s +%s +%d anomalies +\\(as expected\\)$' stdout.txt\n", regexp.QuoteMeta(s.Name), r.Last.Verdict, r.Last.Count)
	for _, k := range r.Last.Kinds {
		fmt.Fprintf(&b, "grep '^    %s \\(%d\\): ' stdout.txt\n", regexp.QuoteMeta(string(k)), r.Last.PerKind[k])
	}
	fmt.Fprintf(&b, "grep 'gate passed: 1 scenarios met their expectations' stdout.txt\n")
	fmt.Fprintf(&b, "\n-- %s --\n", file)
	b.Write(ScenarioFile(r, command))
	return []byte(b.String())
}

func firstOfEachKind(as []checker.Anomaly) []checker.Anomaly {
	var out []checker.Anomaly
	for _, a := range as {
		if !slices.ContainsFunc(out, func(b checker.Anomaly) bool { return b.Kind == a.Kind }) {
			out = append(out, a)
		}
	}
	return out
}

// size describes a run's size in the dimensions people look at first.
func size(s *scenarios.Scenario) string {
	length := fmt.Sprintf("%d ops", s.Ops)
	if s.Duration > 0 {
		length = s.Duration.String()
	}
	return fmt.Sprintf("%d clients, %s, %d keys (hot %v on %d)", s.Clients, length, s.Keys.Count, s.Keys.Hot, s.Keys.HotKeys)
}
