package emulator

import (
	"context"
	"testing"
	"time"

	"github.com/d1check/d1check/d1"
)

func TestSmoke(t *testing.T) {
	e := newEmu(t, Config{})
	schema(t, e)
	ctx := context.Background()
	s := db(t, e, "WEUR").WithSession("first-unconstrained")
	r := run(t, s, "INSERT INTO users (email) VALUES (?)", "a@x.test")
	if !r.Meta.ServedByPrimary || r.Meta.ServedBy != "emulator.primary" || r.Meta.Changes != 1 || r.Meta.LastRowID != 1 || !r.Meta.ChangedDB {
		t.Errorf("insert meta = %+v", r.Meta)
	}
	row, err := s.Prepare("SELECT id, email FROM users WHERE email = ?").Bind("a@x.test").First(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if id, _ := row.Int("id"); id != 1 {
		t.Errorf("row = %v", row)
	}
	waitReplicated(t, e)
	for _, st := range e.Status().Replicas {
		if st.Position != 2 {
			t.Errorf("%s at %d, want 2", st.Name, st.Position)
		}
	}
}

// TestStaleReadDemo is the danger d1check exists for: with 200 ms of lag a
// write followed at once by a first-unconstrained read in another region
// reads the old state, while the same read carrying the write's bookmark
// waits for the replica and reads the new one.
func TestStaleReadDemo(t *testing.T) {
	e := newEmu(t, Config{DefaultLag: Constant(200 * time.Millisecond)})
	schema(t, e)
	ctx := context.Background()

	writer := db(t, e, "ENAM").WithSession("first-primary")
	run(t, writer, "INSERT INTO users (email, name) VALUES (?, ?)", "a@x.test", "Ada")
	bm := bookmarkOf(t, writer)

	reader := db(t, e, "APAC")
	const q = "SELECT name FROM users WHERE email = ?"
	stale, err := reader.WithSession("first-unconstrained").Prepare(q).Bind("a@x.test").Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(stale.Results) != 0 || stale.Meta.ServedByPrimary || stale.Meta.ServedByRegion != "APAC" {
		t.Fatalf("first-unconstrained read right after the write = %+v, want no row from the APAC replica", stale)
	}

	fresh := reader.WithSession(bm)
	r, err := fresh.Prepare(q).Bind("a@x.test").Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Results) != 1 || r.Results[0]["name"] != "Ada" || r.Meta.ServedByRegion != "APAC" || r.Meta.ServedByPrimary {
		t.Fatalf("bookmarked read = %+v, want Ada from the APAC replica", r)
	}
	if got := bookmarkOf(t, fresh); d1.CompareBookmarks(got, bm) < 0 {
		t.Errorf("bookmark went backwards: %s < %s", got, bm)
	}
}
