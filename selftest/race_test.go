//go:build race

package selftest

// raceEnabled: under the race detector SQLite (pure Go, instrumented)
// runs some thirty times slower, so the matrix test runs fewer seeds.
const raceEnabled = true
