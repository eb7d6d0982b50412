package emulator

import (
	"context"
	"testing"
	"time"
)

// Dropping and re-creating a table between runs must reach every replica.
// SQLite compiles DROP TABLE IF EXISTS of a missing table (and CREATE TABLE
// IF NOT EXISTS of an existing one) to a no-op; the emulator cached that
// statement as a read, and when the same text later did drop the table on
// the primary, nothing was logged: every replica diverged and stopped.
// Found by running the users workload twice on one emulator.
func TestSchemaStatementsThatWereNoOpsStillReplicate(t *testing.T) {
	emu, err := New(Config{DefaultLag: Constant(2 * time.Millisecond)})
	if err != nil {
		t.Fatal(err)
	}
	defer emu.Close()
	db, _ := emu.Database("")
	ctx := context.Background()
	for round := range 3 {
		for _, q := range []string{
			"DROP TABLE IF EXISTS t",
			"CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT)",
			"CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT)", // a no-op the second time
		} {
			if _, err := db.Prepare(q).Run(ctx); err != nil {
				t.Fatalf("round %d: %s: %v", round, q, err)
			}
		}
		for range 5 {
			if _, err := db.Prepare("INSERT INTO t (v) VALUES (?)").Bind("x").Run(ctx); err != nil {
				t.Fatalf("round %d: insert: %v", round, err)
			}
		}
	}
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := emu.WaitReplicated(wctx); err != nil {
		for _, st := range emu.Status().Replicas {
			t.Logf("%s at %d: %s", st.Region, st.Position, st.Error)
		}
		t.Fatal(err)
	}
	for _, region := range []string{"WEUR", "APAC"} {
		rdb, _ := emu.Database(region)
		row, err := rdb.WithSession("").Prepare("SELECT count(*) AS n, max(id) AS m FROM t").First(ctx)
		if err != nil {
			t.Fatalf("%s: %v", region, err)
		}
		if n, _ := row.Int("n"); n != 5 {
			t.Errorf("%s replica has %d rows, want the last round's 5", region, n)
		}
	}
}
