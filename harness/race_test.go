//go:build race

package harness

// raceEnabled: the race detector slows SQLite many times over, so the
// replay test runs every built-in scenario small.
const raceEnabled = true
