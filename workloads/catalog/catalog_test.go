package catalog_test

import (
	"context"
	"strings"
	"testing"

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
	}, histtest.Lagged(seed))
}

// goneBack counts, on the raw history, reads by a client of a product
// version older than one the same client wrote or read in an earlier
// request: a price flipping back, or a product missing after one of its
// variants was shown.
func goneBack(t *testing.T, h *history.History) int {
	return histtest.WentBack(t, h, catalog.FSave, catalog.FAddVariant)
}

// variantFirst counts reads of a product as absent by a client that had
// been shown one of its variants: the causal rule the shop relies on.
func variantFirst(t *testing.T, h *history.History) (n int) {
	shown := map[[2]any]bool{} // (process, slug) -> a variant was shown
	for _, op := range histtest.Pairs(h) {
		if op.Done.Type != history.OK {
			continue
		}
		k := [2]any{op.Invoke.Process, op.Invoke.Key}
		switch op.Invoke.F {
		case catalog.FGetVariant, catalog.FGetVariants:
			if histtest.Value(t, op.Done)["found"] == true {
				shown[k] = true
			}
		case catalog.FGet:
			if histtest.Value(t, op.Done)["version"] == nil && shown[k] {
				n++
			}
		}
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

// TestCarryNever: with the bookmark carried, nobody ever goes back (a
// variant is never shown before its product), and every op succeeds.
func TestCarryNever(t *testing.T) {
	for seed := int64(1); seed <= 3; seed++ {
		h := run(t, runner.BookmarksCarry, seed)
		if n := goneBack(t, h); n != 0 {
			t.Errorf("seed %d: %d reads went back", seed, n)
		}
		if n := variantFirst(t, h); n != 0 {
			t.Errorf("seed %d: %d product reads missed a product whose variant was shown", seed, n)
		}
		for _, e := range h.Events {
			if e.Type == history.Fail || e.Type == history.Info {
				t.Errorf("seed %d: event %d %s %s: %s", seed, e.Index, e.Type, e.F, e.Error)
			}
		}
	}
}

// TestDoRejectsBadInput: an op the workload cannot run is a clear error,
// before any query.
func TestDoRejectsBadInput(t *testing.T) {
	env := &workloads.Env{}
	p := catalog.Args{Slug: "p-x"}
	for _, c := range []struct {
		variant string
		op      workloads.Op
		want    string
	}{
		{workloads.Atomic, workloads.Op{F: catalog.FGet, Key: "p-x", Value: p}, `variant "atomic"`},
		{workloads.Plain, workloads.Op{F: catalog.FGet, Key: "p-x", Value: "p-x"}, "want catalog.Args"},
		{workloads.Plain, workloads.Op{F: catalog.FGet, Key: "p-y", Value: p}, `key "p-y" is not the slug`},
		{workloads.Plain, workloads.Op{F: "delete_product", Key: "p-x", Value: p}, "unknown op"},
		{workloads.Plain, workloads.Op{F: catalog.FAddVariant, Key: "p-x", Value: catalog.Args{Slug: "p-x", Version: 2}}, "want a variant id"},
		{workloads.Plain, workloads.Op{F: catalog.FGetVariant, Key: "p-x", Value: catalog.Args{Slug: "p-x", Variant: "v"}}, "want a variant id and its version"},
	} {
		_, err := catalog.Workload{}.Do(context.Background(), env, c.variant, c.op)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s %+v: error %v, want one containing %q", c.variant, c.op, err, c.want)
		}
	}
}

// TestStepsInOrder: a product's version v means every step before it
// happened: an edit or a variant whose previous version is missing (its
// request was lost before it ran) fails and writes nothing.
func TestStepsInOrder(t *testing.T) {
	ctx := context.Background()
	w := catalog.Workload{}
	db := histtest.Primary(t, w, workloads.Plain)
	do := func(f string, a catalog.Args) error {
		a.Slug = "p"
		_, err := w.Do(ctx, &workloads.Env{DB: db}, workloads.Plain, workloads.Op{F: f, Key: "p", Value: a})
		return err
	}
	for _, step := range []struct {
		f  string
		a  catalog.Args
		ok bool
	}{
		{catalog.FSave, catalog.Args{Version: 1, Price: 10}, true},
		{catalog.FSave, catalog.Args{Version: 3, Price: 30}, false},                     // version 2 never happened
		{catalog.FAddVariant, catalog.Args{Version: 4, Variant: "v2", Price: 5}, false}, // nor 3
		{catalog.FAddVariant, catalog.Args{Version: 2, Variant: "v1", Price: 5}, true},
		{catalog.FSave, catalog.Args{Version: 3, Price: 30}, true},
	} {
		err := do(step.f, step.a)
		if (err == nil) != step.ok || (err != nil && !workloads.IsNotApplied(err)) {
			t.Fatalf("%s %+v: err = %v, want ok %v (or a not-applied failure)", step.f, step.a, err, step.ok)
		}
	}
	r, err := db.Prepare("SELECT count(*) AS n FROM " + workloads.Table("product_variants", workloads.Plain)).First(ctx)
	if n, _ := r.Int("n"); err != nil || n != 1 {
		t.Fatalf("variants: %v %v, want exactly the one whose step was in order", r, err)
	}
}
