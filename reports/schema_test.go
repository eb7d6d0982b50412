package reports

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/d1check/d1check/checker"
)

// TestSchemaMatchesChecker holds SCHEMA.md's enumerations to the checker's
// own lists: the verdicts, the check names, the blames, and the table of
// anomaly kinds with the check that emits each and its blame. A kind added
// to the checker and not documented (or documented and never emitted)
// fails here.
func TestSchemaMatchesChecker(t *testing.T) {
	b, err := os.ReadFile("SCHEMA.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	anomaly := section(t, doc, "## Anomaly")

	verdicts := codes(between(t, doc, "| `verdict` |", "| worst"))
	if want := strs(checker.Verdicts); !sameSet(verdicts, want) {
		t.Errorf("SCHEMA.md verdicts %v, checker has %v", verdicts, want)
	}
	checks := codes(between(t, anomaly, "`check` (", ")"))
	if !sameSet(checks, checker.Checks) {
		t.Errorf("SCHEMA.md checks %v, checker has %v", checks, checker.Checks)
	}
	blames := codes(strings.Join(regexp.MustCompile("`[a-z]+`:").FindAllString(between(t, anomaly, "`blame`", "`scenario`"), -1), " "))
	if want := strs(checker.Blames); !sameSet(blames, want) {
		t.Errorf("SCHEMA.md blames %v, checker has %v", blames, want)
	}

	var rows []checker.Emission
	for _, line := range strings.Split(anomaly, "\n") {
		cells := strings.Split(strings.Trim(line, "| "), " | ")
		if !strings.HasPrefix(line, "| `") || len(cells) < 3 {
			continue
		}
		rows = append(rows, checker.Emission{Kind: checker.Kind(strings.Trim(cells[0], "`")),
			Check: strings.Trim(cells[1], "`"), Blame: checker.Blame(strings.Trim(cells[2], "`"))})
	}
	want := checker.Emissions()
	for _, r := range rows {
		if !slices.Contains(want, r) {
			t.Errorf("SCHEMA.md lists %s from %s blaming %s; the checker emits no such anomaly", r.Kind, r.Check, r.Blame)
		}
	}
	for _, e := range want {
		if !slices.Contains(rows, e) {
			t.Errorf("the checker emits %s from %s blaming %s; SCHEMA.md's table does not list it", e.Kind, e.Check, e.Blame)
		}
	}
	if len(rows) != len(want) {
		t.Errorf("SCHEMA.md's kind table has %d rows, the checker %d emissions", len(rows), len(want))
	}
}

// section is doc from heading to the next heading of any level.
func section(t *testing.T, doc, heading string) string {
	t.Helper()
	i := strings.Index(doc, heading+"\n")
	if i < 0 {
		t.Fatalf("SCHEMA.md has no %q", heading)
	}
	rest := doc[i+len(heading):]
	if j := strings.Index(rest, "\n#"); j >= 0 {
		rest = rest[:j]
	}
	return rest
}

// between is the text after the first from and before the next to.
func between(t *testing.T, s, from, to string) string {
	t.Helper()
	i := strings.Index(s, from)
	if i < 0 {
		t.Fatalf("SCHEMA.md has no %q", from)
	}
	s = s[i+len(from):]
	j := strings.Index(s, to)
	if j < 0 {
		t.Fatalf("SCHEMA.md has no %q after %q", to, from)
	}
	return s[:j]
}

// codes are the `code spans` of s.
func codes(s string) []string {
	var out []string
	for _, m := range regexp.MustCompile("`([^`]+)`").FindAllStringSubmatch(s, -1) {
		out = append(out, strings.TrimSuffix(m[1], ":"))
	}
	return out
}

func strs[T ~string](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(slices.Compact(a), slices.Compact(b))
}
