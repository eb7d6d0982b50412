package scenarios

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Resolve turns the scenario arguments of a command line into scenarios.
// An argument is a scenario file, a directory of them (its *.yaml files,
// in name order), a built-in suite name ("gate"), or a built-in file
// ("demo/users-unconstrained-none.yaml", with or without a leading
// "scenarios/", so the paths in the README work outside a checkout too). No
// argument means the built-in defaultSuite. Names must be unique: they
// name the output directories. Every error is the arguments'.
func Resolve(args []string, defaultSuite string, cat Catalog) ([]*Scenario, error) {
	if len(args) == 0 {
		args = []string{defaultSuite}
	}
	var out []*Scenario
	for _, a := range args {
		ss, err := resolve(a, cat)
		if err != nil {
			return nil, err
		}
		out = append(out, ss...)
	}
	seen := map[string]string{}
	for _, s := range out {
		if prev, ok := seen[s.Name]; ok {
			return nil, fmt.Errorf("two scenarios are named %q (%s and %s): names must be unique in one run, they name the output directories", s.Name, prev, s.File)
		}
		seen[s.Name] = s.File
	}
	return out, nil
}

func resolve(arg string, cat Catalog) ([]*Scenario, error) {
	if fi, err := os.Stat(arg); err == nil {
		if !fi.IsDir() {
			s, err := ParseFile(arg, cat)
			if err != nil {
				return nil, err
			}
			return []*Scenario{s}, nil
		}
		files, _ := filepath.Glob(filepath.Join(arg, "*.yaml"))
		if len(files) == 0 {
			return nil, fmt.Errorf("%s: no *.yaml scenario files in this directory", arg)
		}
		sort.Strings(files)
		var out []*Scenario
		for _, f := range files {
			s, err := ParseFile(f, cat)
			if err != nil {
				return nil, err
			}
			out = append(out, s)
		}
		return out, nil
	}
	name := strings.TrimPrefix(strings.TrimPrefix(arg, BuiltinPrefix), "scenarios/")
	for _, suite := range Suites {
		if name == suite || name == suite+"/" {
			return Builtin(suite, cat)
		}
	}
	if s, err := BuiltinFile(name, cat); err == nil {
		return []*Scenario{s}, nil
	} else if _, srcErr := BuiltinSource(name); srcErr == nil {
		return nil, err // the built-in file exists but does not parse
	}
	return nil, fmt.Errorf("%s: no such file, and not a built-in scenario or suite (d1check scenarios lists them)", arg)
}
