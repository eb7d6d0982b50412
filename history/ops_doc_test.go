package history

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/d1check/d1check/opspec"
)

// TestFormatDocumentsEveryOp holds FORMAT.md's op tables to opspec, the
// ops' one declaration: every declared op is documented, and every op the
// tables name is declared.
func TestFormatDocumentsEveryOp(t *testing.T) {
	b, err := os.ReadFile("FORMAT.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	i := strings.Index(doc, "\n## Ops\n")
	if i < 0 {
		t.Fatal("FORMAT.md has no ## Ops section")
	}
	doc = doc[i+1:]
	if j := strings.Index(doc[3:], "\n## "); j >= 0 {
		doc = doc[:j+3]
	}
	workloads := map[string]bool{}
	for _, w := range opspec.Workloads {
		workloads[w.Name] = true
	}
	name := regexp.MustCompile("^`([a-z_]+)`")
	var documented []string
	for _, line := range strings.Split(doc, "\n") {
		cells := strings.Split(strings.Trim(line, "| "), " | ")
		if !strings.HasPrefix(line, "| ") || len(cells) < 2 {
			continue
		}
		cell := cells[0]
		if workloads[cell] {
			cell = cells[1]
		}
		if m := name.FindStringSubmatch(cell); m != nil && !slices.Contains(documented, m[1]) {
			documented = append(documented, m[1])
		}
	}
	var declared []string
	for _, o := range opspec.All() {
		declared = append(declared, o.F)
	}
	for _, f := range declared {
		if !slices.Contains(documented, f) {
			t.Errorf("opspec declares %s; FORMAT.md's op tables do not document it", f)
		}
	}
	for _, f := range documented {
		if !slices.Contains(declared, f) {
			t.Errorf("FORMAT.md documents op %s, which opspec does not declare", f)
		}
	}
}
