package nemesis

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/d1check/d1check/d1"
	"github.com/d1check/d1check/emulator"
	"github.com/d1check/d1check/history"
)

func TestNewRefuses(t *testing.T) {
	cases := []struct {
		faults []Fault
		opts   Options
		want   string
	}{
		{[]Fault{{Kind: PauseReplication, Region: "WEUR", For: time.Second}}, Options{Target: "worker"},
			"faults[0] (pause-replication at 0s): target worker cannot be made to pause-replication"},
		{[]Fault{{Kind: SlowPrimary, Delay: time.Millisecond}}, Options{Target: "rest", ClientFaults: true}, "target rest cannot"},
		{[]Fault{{Kind: DropBookmark}}, Options{Target: "emulator", Emulated: true}, "does not support client faults"},
		{[]Fault{{Kind: RequestTimeout}}, Options{Target: "worker"}, "request-timeout on target worker needs a runner"},
		{[]Fault{{Kind: LagSpike, Region: "WEUR"}}, Options{Target: "emulator", Emulated: true}, "lag-spike needs a positive lag"},
		{[]Fault{{Kind: SlowPrimary}}, Options{Target: "emulator", Emulated: true}, "slow-primary needs a positive delay"},
		{[]Fault{{Kind: "flood"}}, Options{Target: "emulator", Emulated: true}, "unknown fault kind"},
		{[]Fault{{Kind: PauseReplication, Region: "MARS"}}, Options{Target: "emulator", Emulated: true}, `unknown region "MARS"`},
		{nil, Options{}, "no target"},
		{[]Fault{{Kind: RestartReplica, Snapshot: emulator.DefaultSnapshotWindow + 1}}, Options{Target: "emulator", Emulated: true},
			fmt.Sprintf("the emulator keeps snapshots for the last %d commits", emulator.DefaultSnapshotWindow)},
	}
	for _, c := range cases {
		_, err := New(c.faults, c.opts)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("New(%+v, %+v) = %v, want an error containing %q", c.faults, c.opts, err, c.want)
		}
	}
	server := []Fault{{Kind: PauseReplication, Region: "WEUR", For: time.Second}, {Kind: SlowPrimary, Delay: time.Millisecond}}
	if _, err := New(server, Options{Target: "workerd", Emulated: true}); err != nil {
		t.Errorf("server-side faults on workerd, whose database is the emulator: %v", err)
	}
	ok := []Fault{{Kind: RequestTimeout, For: time.Second}, {Kind: DropBookmark, At: time.Second}}
	if _, err := New(ok, Options{Target: "worker", ClientFaults: true}); err != nil {
		t.Errorf("client-side faults on a worker with a supporting runner: %v", err)
	}
}

// events is a Recorder that hands each event to a channel.
func events() (Recorder, chan Value) {
	ch := make(chan Value, 64)
	return func(e history.Event) error {
		if e.Type != history.Nemesis || e.F == "" {
			return errors.New("not a nemesis event")
		}
		var v Value
		if err := json.Unmarshal(e.Value, &v); err != nil {
			return err
		}
		if v.Fault != e.F {
			return errors.New("f and value.fault differ")
		}
		ch <- v
		return nil
	}, ch
}

func next(t *testing.T, ch chan Value) Value {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(10 * time.Second):
		t.Fatal("no nemesis event within 10s")
	}
	return Value{}
}

// setup builds a nemesis for faults and an emulator with its hooks.
func setup(t *testing.T, faults ...Fault) (*Nemesis, *emulator.Emulator) {
	t.Helper()
	n, err := New(faults, Options{Target: "emulator", Emulated: true})
	if err != nil {
		t.Fatal(err)
	}
	emu, err := emulator.New(emulator.Config{Hooks: n.Hooks(emulator.Hooks{})})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { emu.Close() })
	if _, err := emu.Database(""); err != nil {
		t.Fatal(err)
	}
	plain(t, emu, "CREATE TABLE t (id INTEGER PRIMARY KEY)")
	return n, emu
}

func plain(t *testing.T, emu *emulator.Emulator, sql string) (d1.Result, error) {
	t.Helper()
	db, _ := emu.Database("")
	return db.Prepare(sql).Run(context.Background())
}

func paused(emu *emulator.Emulator, region string) bool {
	for _, st := range emu.Status().Replicas {
		if st.Region == region {
			return st.Paused
		}
	}
	return false
}

// TestPauseWindow: the pause starts and ends on schedule, Run returns by
// itself when the schedule is done, and both ends are recorded.
func TestPauseWindow(t *testing.T) {
	n, emu := setup(t, Fault{Kind: PauseReplication, Region: "WEUR", At: time.Millisecond, For: 20 * time.Millisecond})
	rec, ch := events()
	done := make(chan error, 1)
	go func() { done <- n.Run(context.Background(), emu, rec) }()
	v := next(t, ch)
	if v.Phase != PhaseStart || v.Region != "WEUR" || v.For != 20*time.Millisecond {
		t.Fatalf("start event %+v", v)
	}
	if v := next(t, ch); v.Phase != PhaseEnd || v.Cut {
		t.Fatalf("end event %+v", v)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if paused(emu, "WEUR") {
		t.Fatal("WEUR still paused after the fault ended")
	}
}

// TestStopRepairs: a fault without an end lasts until Stop, which
// resumes replication and records a cut end.
func TestStopRepairs(t *testing.T) {
	n, emu := setup(t, Fault{Kind: PauseReplication}, Fault{Kind: PauseReplication, At: time.Hour})
	rec, ch := events()
	r := n.Start(context.Background(), emu, rec)
	if v := next(t, ch); v.Phase != PhaseStart || v.Region != "" {
		t.Fatalf("start event %+v", v)
	}
	for _, region := range d1.Regions {
		if !paused(emu, region) {
			t.Fatalf("%s not paused by a region-less pause", region)
		}
	}
	if err := r.Stop(); err != nil {
		t.Fatal(err)
	}
	if v := next(t, ch); v.Phase != PhaseEnd || !v.Cut {
		t.Fatalf("end event %+v, want a cut end", v)
	}
	select {
	case v := <-ch:
		t.Fatalf("the fault at 1h recorded %+v after Stop", v)
	default:
	}
	for _, region := range d1.Regions {
		if paused(emu, region) {
			t.Fatalf("%s still paused after Stop", region)
		}
	}
}

// TestRestartFromSnapshot: the replica restarts Snapshot commits back.
func TestRestartFromSnapshot(t *testing.T) {
	n, emu := setup(t, Fault{Kind: RestartReplica, Region: "OC", Snapshot: 2})
	for i := 0; i < 3; i++ {
		plain(t, emu, "INSERT INTO t DEFAULT VALUES")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := emu.WaitReplicated(ctx); err != nil {
		t.Fatal(err)
	}
	rec, ch := events()
	if err := n.Run(ctx, emu, rec); err != nil {
		t.Fatal(err)
	}
	if v := next(t, ch); v.Phase != PhaseStart || v.From["OC"] != 2 { // 1 DDL + 3 inserts, minus 2
		t.Fatalf("start event %+v, want a restart from position 2", v)
	}
	if v := next(t, ch); v.Phase != PhaseEnd {
		t.Fatalf("end event %+v", v)
	}
}

// active starts faults at once and returns when they are all active; the
// test's cleanup stops them.
func active(t *testing.T, n *Nemesis, emu *emulator.Emulator) {
	t.Helper()
	rec, ch := events()
	r := n.Start(context.Background(), emu, rec)
	t.Cleanup(func() {
		if err := r.Stop(); err != nil {
			t.Error(err)
		}
	})
	for range n.faults {
		next(t, ch)
	}
}

// TestRequestTimeoutLosesAnswers: under request-timeout some writes fail
// with a transient error without running and some after running; the
// history would hold info ops of both kinds.
func TestRequestTimeoutLosesAnswers(t *testing.T) {
	n, emu := setup(t, Fault{Kind: RequestTimeout})
	active(t, n, emu)
	const tries = 30
	answered := 0
	for i := 0; i < tries; i++ {
		_, err := plain(t, emu, "INSERT INTO t DEFAULT VALUES")
		switch {
		case err == nil:
			answered++
		case !d1.Indeterminate(err) || !strings.HasPrefix(err.Error(), "Network connection lost."):
			t.Fatalf("err = %v, want D1's transient Network connection lost.", err)
		}
	}
	// Count without the fault's interference: a request-timeout covers
	// the primary, so read through a replica at the primary's position.
	db, _ := emu.Database("WEUR")
	bm := emu.Status().Primary.Bookmark
	r, err := db.WithSession(bm).Prepare("SELECT count(*) AS n FROM t").First(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := r.Int("n")
	if answered == 0 || answered == tries {
		t.Fatalf("%d of %d writes answered, want some lost", answered, tries)
	}
	if !(int(rows) > answered && int(rows) < tries) {
		t.Fatalf("%d rows, %d answered of %d: want lost answers that took effect and lost requests that did not", rows, answered, tries)
	}
}

// TestSlowPrimary: while slow-primary is on, a primary request with a
// deadline shorter than the delay fails with its context; replicas and a
// primary without the fault are not slowed.
func TestSlowPrimary(t *testing.T) {
	n, emu := setup(t, Fault{Kind: SlowPrimary, Delay: time.Hour})
	active(t, n, emu)
	db, _ := emu.Database("")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := db.Prepare("SELECT 1").Run(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the request's deadline while the primary sleeps", err)
	}
	if _, err := db.WithSession("").Prepare("SELECT 1").Run(context.Background()); err != nil {
		t.Fatalf("a replica read: %v", err)
	}
}

// TestClientSeamsAndLag: drop-bookmark, request deadlines and lag spikes
// apply to their region only, and only while active.
func TestClientSeamsAndLag(t *testing.T) {
	faults := []Fault{
		{Kind: DropBookmark, Region: "WEUR"},
		{Kind: RequestTimeout, Region: "OC", Delay: 5 * time.Millisecond},
		{Kind: LagSpike, Region: "APAC", Lag: time.Minute},
	}
	n, err := New(faults, Options{Target: "worker", ClientFaults: true})
	if err == nil {
		t.Fatal("a lag spike on a worker was accepted")
	}
	n, err = New(faults, Options{Target: "emulator", Emulated: true, ClientFaults: true})
	if err != nil {
		t.Fatal(err)
	}
	lag := n.Hooks(emulator.Hooks{}).Lag
	check := func(on bool) {
		t.Helper()
		if n.DropBookmark("WEUR") != on || n.DropBookmark("OC") {
			t.Errorf("DropBookmark with faults on=%v", on)
		}
		if d, ok := n.RequestDeadline("OC"); ok != on || (on && d != 5*time.Millisecond) {
			t.Errorf("RequestDeadline(OC) = %v, %v with faults on=%v", d, ok, on)
		}
		if _, ok := n.RequestDeadline("WEUR"); ok {
			t.Error("RequestDeadline(WEUR)")
		}
		want := time.Millisecond
		if on {
			want = time.Minute
		}
		if got := lag("APAC", 1, time.Millisecond); got != want {
			t.Errorf("APAC lag = %v with faults on=%v", got, on)
		}
		if got := lag("OC", 1, time.Millisecond); got != time.Millisecond {
			t.Errorf("OC lag = %v", got)
		}
	}
	check(false)
	emu, err := emulator.New(emulator.Config{Hooks: n.Hooks(emulator.Hooks{})})
	if err != nil {
		t.Fatal(err)
	}
	defer emu.Close()
	rec, ch := events()
	r := n.Start(context.Background(), emu, rec)
	for range faults {
		next(t, ch)
	}
	check(true)
	if err := r.Stop(); err != nil {
		t.Fatal(err)
	}
	check(false)
}
