package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestREADMEBenchmarkCommand: the README's benchmark command names every
// package that has a benchmark, and only those.
func TestREADMEBenchmarkCommand(t *testing.T) {
	const root = "../.."
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := regexp.MustCompile(`(?m)^go test -run '\^\$' -bench \. (.*)$`).FindSubmatch(readme)
	if cmd == nil {
		t.Fatal("README.md has no `go test -run '^$' -bench . PACKAGES` line")
	}
	listed := strings.Fields(string(cmd[1]))
	var want []string
	bench := regexp.MustCompile(`(?m)^func Bench` + `mark`) // split, so that a grep for benchmarks does not find this file
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "node_modules" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if bench.Match(src) {
			rel, _ := filepath.Rel(root, filepath.Dir(path))
			if pkg := "./" + filepath.ToSlash(rel) + "/"; !slices.Contains(want, pkg) {
				want = append(want, pkg)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(want)
	slices.Sort(listed)
	if !slices.Equal(listed, want) {
		t.Errorf("README.md's benchmark command lists\n  %v\nthe packages with benchmarks are\n  %v", listed, want)
	}
}
