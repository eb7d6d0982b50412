package harness

import (
	"context"
	"testing"
	"time"

	"github.com/d1check/d1check/checker"
	"github.com/d1check/d1check/emulator"
	"github.com/d1check/d1check/nemesis"
	"github.com/d1check/d1check/runner"
	"github.com/d1check/d1check/workloads"
	"github.com/d1check/d1check/workloads/users"
)

// TestFreshKeepsItsFaults: a fresh run's faults act while its clients run
// and are in the checked history, each started and ended once; correct
// code stays valid; a client-side fault is refused before anything runs.
func TestFreshKeepsItsFaults(t *testing.T) {
	ms := time.Millisecond
	f := Fresh{
		Emulator: emulator.Config{Seed: 3, DefaultLag: emulator.Uniform(ms, 5*ms)},
		Region:   "WEUR",
		Runner: runner.Config{Workload: users.Workload{}, Clients: 6, Ops: 300, Seed: 3, Keys: workloads.KeySpace{Count: 5, Hot: 0.5, HotKeys: 1},
			Variants: []string{workloads.Atomic}, Bookmarks: runner.BookmarksNone},
		Faults: []nemesis.Fault{
			{Kind: nemesis.PauseReplication, Region: "WEUR", For: 20 * ms},
			{At: 5 * ms, Kind: nemesis.RequestTimeout, For: 20 * ms},
		},
	}
	h, res, err := RunFresh(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	got := nemesisPhases(t, h)
	for _, fl := range f.Faults {
		if got[fl.Kind] != [2]int{1, 1} {
			t.Errorf("%s: %d starts and %d ends recorded, want 1 and 1", fl.Kind, got[fl.Kind][0], got[fl.Kind][1])
		}
	}
	if res.Verdict != checker.Valid {
		t.Errorf("correct code under faults: %s: %v", res.Verdict, res.Anomalies)
	}
	f.Faults = []nemesis.Fault{{Kind: nemesis.DropBookmark}}
	if _, _, err := RunFresh(context.Background(), f); err == nil {
		t.Error("drop-bookmark in a fresh run: no error, want it refused (it needs the runner's client-side seam)")
	}
}
