package histtest

import (
	"math"
	"slices"
	"testing"

	"github.com/d1check/d1check/history"
)

// WentBack counts, on the raw history of a versioned workload, reads by a
// process that certainly saw an older version of a key than one the same
// process wrote or saw in an earlier op: the user saw the entity go back.
// writes names the ops whose invoke carries the version they write; every
// other ok op is a read, recorded as {version} (null: absent), {at_least},
// {below} or {at_least, below}.
func WentBack(t testing.TB, h *history.History, writes ...string) (n int) {
	t.Helper()
	floor := map[[2]any]int64{} // (process, key) -> newest version shown
	for _, op := range Pairs(h) {
		if op.Done.Type != history.OK {
			continue
		}
		k := [2]any{op.Invoke.Process, op.Invoke.Key}
		if slices.Contains(writes, op.Invoke.F) {
			floor[k] = max(floor[k], int64(Value(t, op.Invoke)["version"].(float64)))
			continue
		}
		lo, hi := Seen(t, op.Done)
		if hi <= floor[k] {
			n++
		}
		floor[k] = max(floor[k], lo)
	}
	return n
}

// Seen is the interval [lo, hi) of versions a versioned read's ok value
// allows.
func Seen(t testing.TB, e history.Event) (lo, hi int64) {
	t.Helper()
	v := Value(t, e)
	lo, hi = 0, math.MaxInt64
	if x, ok := v["version"]; ok {
		if x == nil {
			return 0, 1
		}
		return int64(x.(float64)), int64(x.(float64)) + 1
	}
	if x, ok := v["at_least"].(float64); ok {
		lo = int64(x)
	}
	if x, ok := v["below"].(float64); ok {
		hi = int64(x)
	}
	if lo == 0 && hi == math.MaxInt64 {
		t.Fatalf("event %d: %s is no versioned read", e.Index, e.Value)
	}
	return lo, hi
}
