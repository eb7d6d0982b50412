package cdn_test

import (
	"context"
	"strings"
	"testing"

	"github.com/d1check/d1check/history"
	"github.com/d1check/d1check/runner"
	"github.com/d1check/d1check/workloads"
	"github.com/d1check/d1check/workloads/cdn"
	"github.com/d1check/d1check/workloads/internal/histtest"
)

func run(t *testing.T, variant, bookmarks string, seed int64) *history.History {
	return histtest.Run(t, runner.Config{
		Workload: cdn.Workload{}, Clients: 8, Ops: 400, Seed: seed,
		Keys:     workloads.KeySpace{Count: 10, Hot: 0.5, HotKeys: 2},
		Variants: []string{variant}, Bookmarks: bookmarks,
	}, histtest.Lagged(seed))
}

// missedOwnUpload counts reads by an uploader, in a request after its
// upload, that did not show the file: what the guide's phase 3 risks.
func missedOwnUpload(t *testing.T, h *history.History) (n int) {
	uploaded := map[[2]any]int64{} // (process, folder) -> newest upload
	for _, op := range histtest.Pairs(h) {
		if op.Done.Type != history.OK {
			continue
		}
		k := [2]any{op.Invoke.Process, op.Invoke.Key}
		if op.Invoke.F == cdn.FUpload {
			uploaded[k] = int64(histtest.Value(t, op.Invoke)["version"].(float64))
			continue
		}
		if _, hi := histtest.Seen(t, op.Done); hi <= uploaded[k] {
			n++
		}
	}
	return n
}

// TestNoneMissesUpload: without the bookmark, the uploader's next request
// can be served by a replica that has not seen its file.
func TestNoneMissesUpload(t *testing.T) {
	for seed := int64(1); seed <= 5; seed++ {
		if missedOwnUpload(t, run(t, workloads.Unconstrained, runner.BookmarksNone, seed)) > 0 {
			return
		}
	}
	t.Fatal("no seed in 1..5 made an uploader miss its own file")
}

// TestNeverGoesBack: with the bookmark carried, or on env.DB (primary
// only), no client ever sees a folder go back, every op succeeds, and the
// final reads on the primary show every acknowledged upload.
func TestNeverGoesBack(t *testing.T) {
	for _, c := range []struct{ variant, bookmarks string }{
		{workloads.Unconstrained, runner.BookmarksCarry},
		{workloads.Plain, runner.BookmarksNone},
	} {
		for seed := int64(1); seed <= 2; seed++ {
			h := run(t, c.variant, c.bookmarks, seed)
			if n := histtest.WentBack(t, h, cdn.FUpload); n != 0 {
				t.Errorf("%s/%s seed %d: %d reads went back", c.variant, c.bookmarks, seed, n)
			}
			for _, e := range h.Events {
				if e.Type == history.Fail || e.Type == history.Info {
					t.Errorf("%s/%s seed %d: event %d %s %s: %s", c.variant, c.bookmarks, seed, e.Index, e.Type, e.F, e.Error)
				}
			}
			finalsShowUploads(t, h)
		}
	}
}

// finalsShowUploads: every folder's final read is exactly its newest
// acknowledged upload.
func finalsShowUploads(t *testing.T, h *history.History) {
	newest := map[string]int64{}
	finals := 0
	for _, op := range histtest.Pairs(h) {
		switch {
		case op.Invoke.F == cdn.FUpload && op.Done.Type == history.OK:
			newest[op.Invoke.Key] = max(newest[op.Invoke.Key], int64(histtest.Value(t, op.Invoke)["version"].(float64)))
		case op.Invoke.Session == "final":
			finals++
			if lo, _ := histtest.Seen(t, op.Done); op.Invoke.F != cdn.FList || lo != newest[op.Invoke.Key] {
				t.Errorf("final read %s %s saw version %d, newest upload %d", op.Invoke.F, op.Invoke.Key, lo, newest[op.Invoke.Key])
			}
		}
	}
	if finals == 0 || finals < len(newest) {
		t.Errorf("%d final reads for %d folders", finals, len(newest))
	}
}

// TestDoRejectsBadInput: an op the workload cannot run is a clear error,
// before any query.
func TestDoRejectsBadInput(t *testing.T) {
	env := &workloads.Env{}
	f := cdn.File("f-x", 1)
	for _, c := range []struct {
		variant string
		op      workloads.Op
		want    string
	}{
		{workloads.Atomic, workloads.Op{F: cdn.FList, Key: "f-x", Value: cdn.Args{Folder: "f-x"}}, `variant "atomic"`},
		{workloads.Plain, workloads.Op{F: cdn.FList, Key: "f-x", Value: "f-x"}, "want cdn.Args"},
		{workloads.Plain, workloads.Op{F: cdn.FList, Key: "f-y", Value: cdn.Args{Folder: "f-x"}}, `key "f-y" is not the folder`},
		{workloads.Plain, workloads.Op{F: "delete_file", Key: "f-x", Value: cdn.Args{Folder: "f-x"}}, "unknown op"},
		{workloads.Plain, workloads.Op{F: cdn.FGet, Key: "f-x", Value: f}, "exactly one of key and id"},
		{workloads.Plain, workloads.Op{F: cdn.FUpload, Key: "f-x", Value: cdn.Args{Folder: "f-x", Version: 1}}, "want a key, an id"},
	} {
		_, err := cdn.Workload{}.Do(context.Background(), env, c.variant, c.op)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s %+v: error %v, want one containing %q", c.variant, c.op, err, c.want)
		}
	}
}

// TestUploadInOrder: a folder's n-th file is its version n only if files
// 1..n-1 are there: an upload whose predecessor is missing (its request
// was lost before it ran) fails and writes nothing, so no read can see
// version n without the files before it.
func TestUploadInOrder(t *testing.T) {
	ctx := context.Background()
	w := cdn.Workload{}
	db := histtest.Primary(t, w, workloads.Plain)
	upload := func(v int64) error {
		a := cdn.Args{Folder: "f", Key: "f/" + strings.Repeat("x", int(v)), ID: "id" + strings.Repeat("x", int(v)), Version: v}
		_, err := w.Do(ctx, &workloads.Env{DB: db}, workloads.Plain, workloads.Op{F: cdn.FUpload, Key: "f", Value: a})
		return err
	}
	for _, step := range []struct {
		version int64
		ok      bool
	}{{2, false}, {1, true}, {3, false}, {2, true}, {3, true}} {
		err := upload(step.version)
		if (err == nil) != step.ok || (err != nil && !workloads.IsNotApplied(err)) {
			t.Fatalf("upload of file %d: err = %v, want ok %v (or a not-applied failure)", step.version, err, step.ok)
		}
	}
}
