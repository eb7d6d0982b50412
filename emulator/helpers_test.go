package emulator

import (
	"context"
	"testing"
	"time"

	"github.com/d1check/d1check/d1"
)

// newEmu starts an emulator closed at the end of the test.
func newEmu(t testing.TB, cfg Config) *Emulator {
	t.Helper()
	e, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() {
		if err := e.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return e
}

// db is e.Database(region) or a fatal error.
func db(t testing.TB, e *Emulator, region string) *d1.Database {
	t.Helper()
	d, err := e.Database(region)
	if err != nil {
		t.Fatalf("Database(%q): %v", region, err)
	}
	return d
}

// run executes sql with args through st's Run, failing the test on error.
func run(t testing.TB, p interface{ Prepare(string) *d1.Statement }, sql string, args ...any) d1.Result {
	t.Helper()
	r, err := p.Prepare(sql).Bind(args...).Run(context.Background())
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return r
}

// waitReplicated waits for replication, failing the test after 10s.
func waitReplicated(t testing.TB, e *Emulator) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := e.WaitReplicated(ctx); err != nil {
		t.Fatalf("WaitReplicated: %v", err)
	}
}

// schema creates the users table through plain access and waits until
// every replica has it.
func schema(t testing.TB, e *Emulator) {
	t.Helper()
	run(t, db(t, e, ""), "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, name TEXT)")
	waitReplicated(t, e)
}

func bookmarkOf(t testing.TB, s *d1.Session) string {
	t.Helper()
	b, ok := s.Bookmark()
	if !ok {
		t.Fatal("session has no bookmark")
	}
	return b
}

// setLag sets every region's lag model.
func setLag(t testing.TB, e *Emulator, m LagModel) {
	t.Helper()
	for _, r := range d1.Regions {
		if err := e.SetLag(r, m); err != nil {
			t.Fatal(err)
		}
	}
}
