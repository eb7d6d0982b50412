package scenarios

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
)

//go:embed gate/*.yaml demo/*.yaml soak/*.yaml
var builtin embed.FS

// Suites are the built-in suites, in the order `d1check scenarios` lists
// them: gate/ (the pre-replication gate: correct patterns, expected valid),
// demo/ (the migration guide's patterns, expected invalid with the
// anomalies they really produce) and soak/ (the mix `d1check soak` runs
// with no argument: every workload, correct and guide variants, under
// faults).
var Suites = []string{"gate", "demo", "soak"}

// BuiltinPrefix marks a scenario read from the binary rather than a file.
const BuiltinPrefix = "builtin:"

// Builtin parses every scenario of a built-in suite, sorted by file name.
func Builtin(suite string, cat Catalog) ([]*Scenario, error) {
	entries, err := fs.ReadDir(builtin, suite)
	if err != nil {
		return nil, fmt.Errorf("no built-in suite %q (the suites are %s)", suite, strings.Join(Suites, ", "))
	}
	var out []*Scenario
	for _, e := range entries {
		s, err := BuiltinFile(path.Join(suite, e.Name()), cat)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].File < out[j].File })
	return out, nil
}

// BuiltinFile parses one embedded scenario, named like "gate/users-atomic.yaml".
func BuiltinFile(name string, cat Catalog) (*Scenario, error) {
	data, err := builtin.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("no built-in scenario %q", name)
	}
	return Parse(BuiltinPrefix+name, data, cat)
}

// BuiltinSource returns an embedded scenario's YAML text.
func BuiltinSource(name string) ([]byte, error) { return builtin.ReadFile(name) }
