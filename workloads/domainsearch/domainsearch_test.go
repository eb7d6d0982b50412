package domainsearch_test

import (
	"context"
	"strings"
	"testing"

	"github.com/d1check/d1check/history"
	"github.com/d1check/d1check/runner"
	"github.com/d1check/d1check/workloads"
	"github.com/d1check/d1check/workloads/domainsearch"
	"github.com/d1check/d1check/workloads/internal/histtest"
)

func run(t *testing.T, variant, bookmarks string, clients int, seed int64) *history.History {
	return histtest.Run(t, runner.Config{
		Workload: domainsearch.Workload{}, Clients: clients, Ops: 50 * clients, Seed: seed,
		Keys:     workloads.KeySpace{Count: 3, Hot: 0.5, HotKeys: 2},
		Variants: []string{variant}, Bookmarks: bookmarks,
	}, histtest.Lagged(seed))
}

var writes = []string{domainsearch.FAdvance, domainsearch.FSetConfig}

// TestNoneGoesBack: without the bookmark, the submitter's next poll, or
// the worker's, can be served by a replica that has not seen the job.
func TestNoneGoesBack(t *testing.T) {
	for seed := int64(1); seed <= 5; seed++ {
		if histtest.WentBack(t, run(t, workloads.Unconstrained, runner.BookmarksNone, 8, seed), writes...) > 0 {
			return
		}
	}
	t.Fatal("no seed in 1..5 made a client see a job or a config go back")
}

// TestNeverGoesBack: with the bookmark carried, or on env.DB, nobody
// sees a job or a config go back, every step of every job succeeds (the
// worker never runs before the submit), every config save but the double
// submits succeeds, and the final reads find every job complete and every
// tenant at its newest config. Two clients run the solo schedule.
func TestNeverGoesBack(t *testing.T) {
	for _, c := range []struct {
		variant, bookmarks string
		clients            int
	}{
		{workloads.Unconstrained, runner.BookmarksCarry, 8},
		{workloads.Plain, runner.BookmarksNone, 8},
		{workloads.Unconstrained, runner.BookmarksCarry, 2},
	} {
		h := run(t, c.variant, c.bookmarks, c.clients, 1)
		if n := histtest.WentBack(t, h, writes...); n != 0 {
			t.Errorf("%+v: %d reads went back", c, n)
		}
		doubles := 0
		for _, e := range h.Events {
			if e.Type == history.Fail && e.F == domainsearch.FSetConfig && strings.Contains(e.Error, "PRIMARYKEY") {
				doubles++ // the double submit's failure
				continue
			}
			if e.Type == history.Fail || e.Type == history.Info {
				t.Errorf("%+v: event %d %s %s: %s", c, e.Index, e.Type, e.F, e.Error)
			}
		}
		if c.clients >= 3 && doubles == 0 {
			t.Errorf("%+v: no double submit of set_config failed", c)
		}
		finalsComplete(t, h)
	}
}

// finalsComplete: a job whose four steps were acknowledged is complete in
// its final read, and each tenant's final config is its newest.
func finalsComplete(t *testing.T, h *history.History) {
	newest := map[string]int64{}
	completed := 0
	for _, op := range histtest.Pairs(h) {
		switch {
		case op.Invoke.Session == "final":
			lo, hi := histtest.Seen(t, op.Done)
			if want := newest[op.Invoke.Key]; want < lo || want >= hi {
				t.Errorf("final read %s %s saw [%d, %d), want one with version %d", op.Invoke.F, op.Invoke.Key, lo, hi, want)
			}
			if op.Invoke.F == domainsearch.FGetJob && lo == domainsearch.Completed {
				completed++
			}
		case op.Done.Type == history.OK && (op.Invoke.F == domainsearch.FAdvance || op.Invoke.F == domainsearch.FSetConfig):
			newest[op.Invoke.Key] = int64(histtest.Value(t, op.Invoke)["version"].(float64))
		}
	}
	if completed == 0 {
		t.Error("no job was completed")
	}
}

// TestDoRejectsBadInput: an op the workload cannot run is a clear error.
func TestDoRejectsBadInput(t *testing.T) {
	env := &workloads.Env{}
	job := domainsearch.Args{Job: "j-x", Tenant: "t-x"}
	bad := job
	bad.Version = 5
	for _, c := range []struct {
		variant string
		op      workloads.Op
		want    string
	}{
		{workloads.FirstPrimary, workloads.Op{F: domainsearch.FGetJob, Key: "j-x", Value: job}, `variant "first-primary"`},
		{workloads.Plain, workloads.Op{F: domainsearch.FGetJob, Key: "j-x", Value: 7}, "want domainsearch.Args"},
		{workloads.Plain, workloads.Op{F: domainsearch.FGetJob, Key: "t-x", Value: job}, `key "t-x" is not`},
		{workloads.Plain, workloads.Op{F: domainsearch.FGetConfig, Key: "j-x", Value: job}, `key "j-x" is not`},
		{workloads.Plain, workloads.Op{F: "cancel_job", Key: "j-x", Value: job}, "unknown op"},
		{workloads.Plain, workloads.Op{F: domainsearch.FAdvance, Key: "j-x", Value: bad}, "version 5 is no step"},
		{workloads.Unconstrained, workloads.Op{F: domainsearch.FSetConfig, Key: "t-x", Value: domainsearch.Args{Tenant: "t-x"}}, "version 0"},
		{workloads.Plain, workloads.Op{F: domainsearch.FListJobs, Key: "j-x", Value: domainsearch.Args{Job: "j-x"}}, "names no tenant"},
	} {
		_, err := domainsearch.Workload{}.Do(context.Background(), env, c.variant, c.op)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s %+v: error %v, want one containing %q", c.variant, c.op, err, c.want)
		}
	}
}

// TestEarlyStepChangesNothing: a worker step before the job's previous
// step is a certain failure, never an acknowledged version the job does
// not have; the status reads then show the job as it is.
func TestEarlyStepChangesNothing(t *testing.T) {
	ctx := context.Background()
	w := domainsearch.Workload{}
	db := histtest.Primary(t, w, workloads.Plain)
	do := func(f string, version int64) (any, error) {
		a := domainsearch.Args{Job: "j-1", Tenant: "t-1", Version: version}
		return w.Do(ctx, &workloads.Env{DB: db}, workloads.Plain, workloads.Op{F: f, Key: "j-1", Value: a})
	}
	status := func() string {
		v, err := do(domainsearch.FGetJob, 0)
		if err != nil {
			t.Fatal(err)
		}
		return v.(domainsearch.Status).Status
	}
	for _, step := range []struct {
		version int64
		ok      bool
		status  string
	}{
		{domainsearch.Started, false, "absent"},
		{domainsearch.Submitted, true, "pending"},
		{domainsearch.Found, false, "pending"},
		{domainsearch.Completed, false, "pending"},
		{domainsearch.Started, true, "running"},
		{domainsearch.Completed, false, "running"},
		{domainsearch.Found, true, "running"},
		{domainsearch.Completed, true, "complete"},
	} {
		_, err := do(domainsearch.FAdvance, step.version)
		if (err == nil) != step.ok || (err != nil && !workloads.IsNotApplied(err)) {
			t.Fatalf("step %d: error %v, want ok=%v (or a not-applied error)", step.version, err, step.ok)
		}
		if got := status(); got != step.status {
			t.Fatalf("after step %d: status %s, want %s", step.version, got, step.status)
		}
	}
	v, err := do(domainsearch.FResults, 0)
	if r, ok := v.(domainsearch.Results); err != nil || !ok || r.Results != 3 || !r.Found {
		t.Fatalf("results %+v, %v: want the three results", v, err)
	}
}
