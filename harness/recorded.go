package harness

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/d1check/d1check/history"
	"github.com/d1check/d1check/scenarios"
)

// RecordedScenario is the scenario a run was recorded from, read from its
// history's header: path is a history.jsonl or the output directory of a
// one-scenario run. On simulated time the scenario and its seed are all it
// takes to run the same run again, so a failing run's directory is enough
// to replay or shrink it. Every error is a *ConfigError: the path is not
// what the caller needs.
func RecordedScenario(path string) (*scenarios.Scenario, error) {
	file := path
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		file = filepath.Join(path, "history.jsonl")
		if _, err := os.Stat(file); err != nil {
			return nil, &ConfigError{noHistoryIn(path)}
		}
	}
	h, err := history.ReadFile(file)
	if err != nil {
		return nil, &ConfigError{err}
	}
	s, err := scenarioOf(Run{HistoryPath: file, History: h})
	if err != nil {
		return nil, &ConfigError{err}
	}
	if s == nil {
		return nil, &ConfigError{fmt.Errorf("%s: the history header records no scenario (was it written by d1check run?)", file)}
	}
	if h.Header.Seed != 0 {
		s.Seed = h.Header.Seed
	}
	return s, nil
}

// noHistoryIn explains a directory without history.jsonl; a suite's output
// directory holds one per scenario, so it names them.
func noHistoryIn(dir string) error {
	runs, _ := filepath.Glob(filepath.Join(dir, "*", "history.jsonl"))
	if len(runs) == 0 {
		return fmt.Errorf("%s: no history.jsonl here: give a run's output directory or its history file", dir)
	}
	for i, r := range runs {
		runs[i] = filepath.Dir(r)
	}
	return fmt.Errorf("%s holds the runs of a suite; name one of them: %s", dir, strings.Join(runs, ", "))
}
