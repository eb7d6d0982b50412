package workerd

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/d1check/d1check/d1"
	"github.com/d1check/d1check/emulator"
)

// A stale read through the real binding, and the bookmark that cures it:
// with 300 ms of replication lag, a write through the ENAM socket, then at
// once a withSession() read through the APAC socket sees the old state;
// the same read carrying the write's bookmark waits for APAC's replica and
// sees the new row. APAC's replica is paused while the first read runs, so
// the verdict does not depend on how fast this machine is; resuming it
// lets the 300 ms run out.
func TestStaleReadThroughTheRealBinding(t *testing.T) {
	s := serveEmulator(t, emulator.Config{DefaultLag: emulator.Constant(300 * time.Millisecond)})
	p := startProbe(t, s)
	setup := probe(t, p, "ENAM", map[string]any{"plain": true, "ops": []probeOp{
		{Op: "run", SQL: "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT UNIQUE)"},
	}})
	if setup.Results[0].Error != "" {
		t.Fatal(setup.Results[0].Error)
	}
	wctx, cancel := contextWithTimeout(10 * time.Second)
	defer cancel()
	if err := s.emu.WaitReplicated(wctx); err != nil {
		t.Fatal(err)
	}
	if err := s.emu.PauseReplication("APAC"); err != nil {
		t.Fatal(err)
	}
	write := probe(t, p, "ENAM", map[string]any{"session": "first-primary", "ops": []probeOp{
		{Op: "run", SQL: "INSERT INTO users (email) VALUES ('ada@example.com')"},
	}})
	if write.Results[0].Error != "" || write.After == nil {
		t.Fatalf("write: %+v", write)
	}
	bookmark := *write.After
	read := func(session string) (probeAnswer, []byte) {
		a := probe(t, p, "APAC", map[string]any{"session": session, "ops": []probeOp{
			{Op: "first", SQL: "SELECT id FROM users WHERE email = 'ada@example.com'"},
		}})
		if a.Results[0].Error != "" {
			t.Fatal(a.Results[0].Error)
		}
		return a, a.Results[0].OK
	}
	n := len(s.trace.Entries())
	if _, row := read("first-unconstrained"); string(row) != "null" {
		t.Fatalf("an unconstrained read in APAC right after the write saw %s: want the old state (no row)", row)
	}
	stale := since(s, n)[0]
	if stale.Primary || stale.ServedBy != "emulator.replica.APAC" {
		t.Fatalf("the stale read was served by %s", stale.ServedBy)
	}
	if err := s.emu.ResumeReplication("APAC"); err != nil {
		t.Fatal(err)
	}
	n = len(s.trace.Entries())
	start := time.Now()
	a, row := read(bookmark)
	waited := time.Since(start)
	var got struct{ ID int64 }
	if err := json.Unmarshal(row, &got); err != nil || got.ID == 0 {
		t.Fatalf("the read carrying the write's bookmark saw %s: want the new row", row)
	}
	fresh := since(s, n)[0]
	want, _ := d1.ParseBookmark(bookmark)
	if fresh.ServedBy != "emulator.replica.APAC" || fresh.Position < want.Position() || fresh.BookmarkIn != bookmark {
		t.Fatalf("the bookmarked read: %+v, want APAC's replica at position >= %d, sent %s", fresh, want.Position(), bookmark)
	}
	t.Logf("stale read at position %d, then the bookmarked read waited %v for position %d (session bookmark now %v)",
		stale.Position, waited.Round(time.Millisecond), fresh.Position, *a.After)
}
