//go:build race

package emulator

// raceEnabled: the race detector slows SQLite many times over, so long
// tests make fewer commits.
const raceEnabled = true
