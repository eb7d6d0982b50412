package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/d1check/d1check/harness"
	"github.com/d1check/d1check/scenarios"
)

// loadScenarios resolves command-line arguments to scenarios. An argument
// is a scenario file, a directory of them, a built-in suite name ("gate"),
// or a built-in file ("demo/users-unconstrained-none.yaml", with or without
// a leading "scenarios/", so the paths in the README work outside a
// checkout too). No argument means the built-in defaultSuite.
func loadScenarios(args []string, defaultSuite string) ([]*scenarios.Scenario, error) {
	if len(args) == 0 {
		args = []string{defaultSuite}
	}
	var out []*scenarios.Scenario
	for _, a := range args {
		ss, err := resolve(a)
		if err != nil {
			return nil, usageErr(err)
		}
		out = append(out, ss...)
	}
	seen := map[string]string{}
	for _, s := range out {
		if prev, ok := seen[s.Name]; ok {
			return nil, usagef("two scenarios are named %q (%s and %s): names must be unique in one run, they name the output directories", s.Name, prev, s.File)
		}
		seen[s.Name] = s.File
	}
	return out, nil
}

func resolve(arg string) ([]*scenarios.Scenario, error) {
	cat := harness.Catalog{}
	if fi, err := os.Stat(arg); err == nil {
		if !fi.IsDir() {
			s, err := scenarios.ParseFile(arg, cat)
			if err != nil {
				return nil, err
			}
			return []*scenarios.Scenario{s}, nil
		}
		files, _ := filepath.Glob(filepath.Join(arg, "*.yaml"))
		if len(files) == 0 {
			return nil, fmt.Errorf("%s: no *.yaml scenario files in this directory", arg)
		}
		sort.Strings(files)
		var out []*scenarios.Scenario
		for _, f := range files {
			s, err := scenarios.ParseFile(f, cat)
			if err != nil {
				return nil, err
			}
			out = append(out, s)
		}
		return out, nil
	}
	name := strings.TrimPrefix(strings.TrimPrefix(arg, scenarios.BuiltinPrefix), "scenarios/")
	for _, suite := range scenarios.Suites {
		if name == suite || name == suite+"/" {
			return scenarios.Builtin(suite, cat)
		}
	}
	if s, err := scenarios.BuiltinFile(name, cat); err == nil {
		return []*scenarios.Scenario{s}, nil
	} else if _, srcErr := scenarios.BuiltinSource(name); srcErr == nil {
		return nil, err // the built-in file exists but does not parse
	}
	return nil, fmt.Errorf("%s: no such file, and not a built-in scenario or suite (d1check scenarios lists them)", arg)
}

// outDir is --out, or out/<run-id>/ where run-id says when and what ran.
func outDir(flag, what string) string {
	if flag != "" {
		return flag
	}
	return filepath.Join("out", time.Now().Format("20060102-150405")+"-"+what)
}

// classify turns a harness error into an exit code: a scenario that cannot
// run as written is the user's (254), anything else the harness's (255).
func classify(err error) error {
	var ce *harness.ConfigError
	if errors.As(err, &ce) {
		return usageErr(err)
	}
	return harnessErr(err) // TargetError and anything unexpected alike
}
