package catalog_test

import (
	"testing"
	"time"

	"github.com/d1check/d1check/emulator"
	"github.com/d1check/d1check/history"
	"github.com/d1check/d1check/runner"
	"github.com/d1check/d1check/workloads"
	"github.com/d1check/d1check/workloads/catalog"
	"github.com/d1check/d1check/workloads/internal/histtest"
)

func run(t *testing.T, bookmarks string, seed int64) *history.History {
	return histtest.Run(t, runner.Config{
		Workload: catalog.Workload{}, Clients: 8, Ops: 400, Seed: seed,
		Keys:     workloads.KeySpace{Count: 10, Hot: 0.5, HotKeys: 2},
		Variants: []string{workloads.Unconstrained}, Bookmarks: bookmarks,
	}, emulator.Config{Seed: seed, DefaultLag: emulator.Uniform(time.Millisecond, 10*time.Millisecond)})
}

// goneBack counts, on the raw history, reads by a client of a version
// older than one the same client wrote or read in an earlier request.
func goneBack(t *testing.T, h *history.History) (n int) {
	floor := map[[2]any]int64{} // (process, slug) -> newest version seen
	for _, op := range histtest.Pairs(h) {
		if op.Done.Type != history.OK {
			continue
		}
		k := [2]any{op.Invoke.Process, op.Invoke.Key}
		var v int64
		switch op.Invoke.F {
		case catalog.FSave:
			v = int64(histtest.Value(t, op.Invoke)["version"].(float64))
		case catalog.FGet:
			if x, ok := histtest.Value(t, op.Done)["version"].(float64); ok {
				v = int64(x)
			}
			if v < floor[k] {
				n++
			}
		}
		floor[k] = max(floor[k], v)
	}
	return n
}

// TestNoneGoesBack: without the bookmark, the admin's reload after an edit
// can show the product as it was (or not at all).
func TestNoneGoesBack(t *testing.T) {
	for seed := int64(1); seed <= 5; seed++ {
		if goneBack(t, run(t, runner.BookmarksNone, seed)) > 0 {
			return
		}
	}
	t.Fatal("no seed in 1..5 made a client see a product go back")
}

// TestCarryNever: with the bookmark carried, nobody ever goes back, and
// every op succeeds.
func TestCarryNever(t *testing.T) {
	for seed := int64(1); seed <= 3; seed++ {
		h := run(t, runner.BookmarksCarry, seed)
		if n := goneBack(t, h); n != 0 {
			t.Errorf("seed %d: %d reads went back", seed, n)
		}
		for _, e := range h.Events {
			if e.Type == history.Fail || e.Type == history.Info {
				t.Errorf("seed %d: event %d %s %s: %s", seed, e.Index, e.Type, e.F, e.Error)
			}
		}
	}
}
