package harness

import (
	"slices"
	"strings"
	"testing"

	"github.com/d1check/d1check/checker"
	"github.com/d1check/d1check/scenarios"
)

// TestCatalogHandsTheParserTheCheckersKinds: a scenario may expect every
// kind the checker emits (non-linearizable too, so a scenario that can show
// one can pass), and no kind it never emits.
func TestCatalogHandsTheParserTheCheckersKinds(t *testing.T) {
	parse := func(kinds, allow string) error {
		src := "name: a\nworkload: users\nexpect: {verdict: invalid, anomalies: [" + kinds + "]" + allow + "}\n"
		_, err := scenarios.Parse("k.yaml", []byte(src), Catalog{})
		return err
	}
	for _, k := range checker.Kinds() {
		if err := parse(string(k), ""); err != nil {
			t.Errorf("%s: %v", k, err)
		}
	}
	if err := parse(string(checker.NonLinearizable), ""); err != nil {
		t.Errorf("non-linearizable refused: %v", err)
	}
	for _, k := range []string{"monotonic-write", "writes-follow-reads"} {
		if err := parse(k, ""); err == nil || !strings.Contains(err.Error(), k) {
			t.Errorf("expect.anomalies [%s], which nothing emits: %v", k, err)
		}
		if err := parse("stale-read", ", allow: ["+k+"]"); err == nil || !strings.Contains(err.Error(), "expect.allow[0]") {
			t.Errorf("expect.allow [%s], which nothing emits: %v", k, err)
		}
	}
	var verdicts []string
	for _, v := range checker.Verdicts {
		verdicts = append(verdicts, string(v))
	}
	if got := (Catalog{}).Verdicts(); !slices.Equal(got, verdicts) {
		t.Errorf("Verdicts() = %v, want the checker's %v", got, verdicts)
	}
}
