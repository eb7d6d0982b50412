package opspec

import (
	"slices"
	"testing"
)

// TestDeclarationsAgree: an op declared by two workloads is the same op
// (one shape, one noun); names and workloads are unique; every shape used
// is listed in Shapes.
func TestDeclarationsAgree(t *testing.T) {
	byF := map[string]Op{}
	names := map[string]bool{}
	for _, w := range append(slices.Clone(Workloads), Generic) {
		if names[w.Name] {
			t.Errorf("workload %q declared twice", w.Name)
		}
		names[w.Name] = true
		if w.Name != "" && w.Title == "" {
			t.Errorf("workload %s has no title", w.Name)
		}
		for _, o := range w.Ops {
			if prev, ok := byF[o.F]; ok && prev != o {
				t.Errorf("%s is declared as %+v and as %+v", o.F, prev, o)
			}
			byF[o.F] = o
			if !slices.Contains(Shapes, o.Shape) || o.Noun == "" || o.F == "" {
				t.Errorf("%s: %+v", w.Name, o)
			}
		}
	}
	if len(All()) != len(byF) {
		t.Errorf("All() has %d ops, the lists %d names", len(All()), len(byF))
	}
	if w, ok := Lookup("catalog"); !ok || w.Name != "catalog" {
		t.Errorf("Lookup(catalog) = %+v, %t", w, ok)
	}
}
