package scenarios

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestResolve: every form of argument names the scenarios it should, and
// a clash of names or an argument that names nothing is refused.
func TestResolve(t *testing.T) {
	cat := fakeCatalog{"users": {"plain", "unconstrained", "first-primary", "atomic"}, "magic-codes": {"atomic", "unconstrained"},
		"auth": {"atomic", "unconstrained"}, "catalog": {"unconstrained"}, "cdn": {"unconstrained"}, "domain-search": {"plain", "unconstrained"}}
	dir := t.TempDir()
	for _, n := range []string{"b", "a"} {
		if err := os.WriteFile(filepath.Join(dir, n+".yaml"), []byte(strings.Replace(full, "users-unconstrained-replicated", n, 1)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	gate, err := Builtin("gate", cat)
	if err != nil {
		t.Fatal(err)
	}
	names := func(ss []*Scenario) (out []string) {
		for _, s := range ss {
			out = append(out, s.Name)
		}
		return out
	}
	for _, c := range []struct {
		args []string
		want int
		name string
	}{
		{nil, len(gate), gate[0].Name},
		{[]string{dir}, 2, "a"},
		{[]string{filepath.Join(dir, "b.yaml")}, 1, "b"},
		{[]string{"scenarios/demo/users-unconstrained-none.yaml"}, 1, "users-unconstrained-none"},
		{[]string{"builtin:gate/"}, len(gate), gate[0].Name},
	} {
		ss, err := Resolve(c.args, "gate", cat)
		if err != nil || len(ss) != c.want || ss[0].Name != c.name {
			t.Errorf("Resolve(%q) = %v, %v; want %d scenarios, %s first", c.args, names(ss), err, c.want, c.name)
		}
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{dir, filepath.Join(dir, "a.yaml")}, `two scenarios are named "a"`},
		{[]string{filepath.Join(dir, "nope")}, "not a built-in scenario or suite"},
		{[]string{t.TempDir()}, "no *.yaml scenario files"},
	} {
		if _, err := Resolve(c.args, "gate", cat); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Resolve(%q): %v, want an error saying %q", c.args, err, c.want)
		}
	}
}
