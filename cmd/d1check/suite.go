package main

import (
	"errors"
	"path/filepath"
	"time"

	"github.com/d1check/d1check/harness"
	"github.com/d1check/d1check/scenarios"
)

// loadScenarios is scenarios.Resolve over the registered workloads; a
// bad argument is the user's (254).
func loadScenarios(args []string, defaultSuite string) ([]*scenarios.Scenario, error) {
	ss, err := scenarios.Resolve(args, defaultSuite, harness.Catalog{})
	if err != nil {
		return nil, usageErr(err)
	}
	return ss, nil
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
