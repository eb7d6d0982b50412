package checker

import (
	"slices"
	"testing"

	"github.com/d1check/d1check/opspec"
)

// TestEveryShapeDecodes: every shape opspec declares has a model action
// and decoders here, agreeing on whether it only reads, and every declared
// op is known by its name.
func TestEveryShapeDecodes(t *testing.T) {
	for _, sh := range opspec.Shapes {
		spec, ok := shapes[sh]
		if !ok {
			t.Errorf("shape %s has no decoder", sh)
			continue
		}
		if spec.action == 0 || spec.decodeOut == nil {
			t.Errorf("shape %s: action %v, decodeOut set %t", sh, spec.action, spec.decodeOut != nil)
		}
		// The runner records a failed read as certain because opspec
		// says it only reads; the checker drops an unknown one because
		// its model says so. The two must agree.
		if spec.action.ReadOnly() != sh.ReadOnly() {
			t.Errorf("shape %s: read-only %t, its model action %v says %t", sh, sh.ReadOnly(), spec.action, spec.action.ReadOnly())
		}
	}
	for sh := range shapes {
		if !slices.Contains(opspec.Shapes, sh) {
			t.Errorf("decoder for shape %s, which opspec does not declare", sh)
		}
	}
	for _, d := range opspec.All() {
		spec, ok := ops[d.F]
		if !ok {
			t.Errorf("declared op %s is unknown to the checker", d.F)
			continue
		}
		if spec.noun != d.Noun || spec.action != shapes[d.Shape].action {
			t.Errorf("op %s: noun %q action %v, declared %q %s", d.F, spec.noun, spec.action, d.Noun, d.Shape)
		}
	}
	if len(ops) != len(opspec.All()) {
		t.Errorf("the checker knows %d ops, opspec declares %d", len(ops), len(opspec.All()))
	}
}
