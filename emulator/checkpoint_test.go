package emulator

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"testing"

	"github.com/d1check/d1check/d1"
)

// commitN makes n commits that each update the same row, so the databases
// stay the same size and only the replication log could grow.
func commitN(t testing.TB, d *d1.Database, n int) {
	t.Helper()
	st := d.Prepare("UPDATE users SET name = ? WHERE id = 1")
	for i := 0; i < n; i++ {
		if _, err := st.Bind(fmt.Sprint("n", i)).Run(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
}

func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestLogBounded: once every replica has applied the log, it keeps only
// the snapshot window, however many commits were made, and the live heap
// stops growing with commits.
func TestLogBounded(t *testing.T) {
	const window = 200
	e := newEmu(t, Config{SnapshotWindow: window})
	schema(t, e)
	d := db(t, e, "")
	run(t, d, "INSERT INTO users (id, email) VALUES (1, 'a')")
	settle := func() {
		waitReplicated(t, e)
		e.advanceCheckpoint() // what the checkpoint's ticker does
	}
	per := 10000
	if testing.Short() || raceEnabled {
		per = 1000
	}
	commitN(t, d, per)
	settle()
	heap1 := liveHeap()
	commitN(t, d, 4*per)
	settle()
	heap2 := liveHeap()
	if n := e.log.length(); n > window {
		t.Errorf("log holds %d entries after %d commits, want at most the window, %d", n, 5*per+2, window)
	}
	if got, want := e.OldestSnapshot(), e.log.last()-window; got != want {
		t.Errorf("OldestSnapshot = %d, want %d (the slowest replica less the window)", got, want)
	}
	// 4·per more commits unbounded would hold 4·per entries of a few
	// hundred bytes each: megabytes. Allow a quarter of a megabyte of noise.
	if heap2 > heap1+256<<10 {
		t.Errorf("live heap grew from %d to %d bytes over %d commits", heap1, heap2, 4*per)
	}
	t.Logf("live heap %d → %d bytes; log %d entries", heap1, heap2, e.log.length())
}

// TestRestartFromCheckpoint: after the log is trimmed, a restart within
// the window rebuilds the exact older state from the checkpoint; one
// before it is refused with ErrSnapshotTrimmed and changes nothing.
func TestRestartFromCheckpoint(t *testing.T) {
	const window = 10
	e := newEmu(t, Config{SnapshotWindow: window})
	schema(t, e)
	d := db(t, e, "")
	for i := 0; i < 40; i++ {
		run(t, d, "INSERT INTO users (email) VALUES (?)", fmt.Sprint(i))
	}
	waitReplicated(t, e)
	e.advanceCheckpoint()
	last := e.log.last()
	oldest := e.OldestSnapshot()
	if oldest != last-window || e.log.length() != window {
		t.Fatalf("oldest snapshot %d, log %d entries; want %d and %d", oldest, e.log.length(), last-window, window)
	}
	if err := e.PauseReplication("APAC"); err != nil {
		t.Fatal(err)
	}
	err := e.RestartReplica("APAC", oldest-1)
	if !errors.Is(err, ErrSnapshotTrimmed) {
		t.Fatalf("restart before the checkpoint: err = %v, want ErrSnapshotTrimmed", err)
	}
	if st := replicaStatus(e, "APAC"); st.Position != last || st.Error != "" {
		t.Fatalf("a refused restart changed the replica: %+v", st)
	}
	for _, from := range []uint64{oldest + 3, oldest} {
		if err := e.RestartReplica("APAC", from); err != nil {
			t.Fatal(err)
		}
		// Position 1 is the schema, so position p holds p-1 users.
		n := run(t, db(t, e, "APAC").WithSession(""), "SELECT count(*) AS n FROM users").Results[0]["n"]
		if n != int64(from-1) {
			t.Errorf("snapshot at %d has %v users, want %d", from, n, from-1)
		}
	}
	// A restarted replica holds the log (and the checkpoint) back.
	e.advanceCheckpoint()
	if e.OldestSnapshot() > oldest {
		t.Errorf("checkpoint moved to %d past a replica at %d less the window", e.OldestSnapshot(), oldest)
	}
	if err := e.ResumeReplication("APAC"); err != nil {
		t.Fatal(err)
	}
	assertReplicasMatch(t, e)
}

func TestSnapshotWindowConfig(t *testing.T) {
	if _, err := New(Config{SnapshotWindow: -1}); err == nil {
		t.Fatal("a negative SnapshotWindow was accepted")
	}
}
