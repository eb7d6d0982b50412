package emulator

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/d1check/d1check/d1"
)

// A request's context can end on the way to the database (nothing ran) or
// on the way back (the write committed, the answer was lost): both are the
// context's error, indeterminate for the runner, and only the database
// knows which happened.
func TestRoundTripHalfThereHalfBack(t *testing.T) {
	emu, err := New(Config{RoundTrip: Constant(2 * time.Second)})
	if err != nil {
		t.Fatal(err)
	}
	defer emu.Close()
	db, _ := emu.Database("")
	ctx := context.Background()
	if _, err := db.Prepare("CREATE TABLE t (id INTEGER PRIMARY KEY)").Run(ctx); err != nil {
		t.Fatal(err)
	}
	insert := func(id int, timeout time.Duration) error {
		c, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		_, err := db.Prepare("INSERT INTO t (id) VALUES (?)").Bind(id).Run(c)
		return err
	}
	// Times out at 0.5 s, before arriving at 1 s: never executed.
	if err := insert(1, 500*time.Millisecond); !errors.Is(err, context.DeadlineExceeded) || !d1.Indeterminate(err) {
		t.Fatalf("lost on the way there: %v", err)
	}
	// Arrives at 1 s, commits, times out at 1.5 s on the way back.
	if err := insert(2, 1500*time.Millisecond); !errors.Is(err, context.DeadlineExceeded) || !d1.Indeterminate(err) {
		t.Fatalf("lost on the way back: %v", err)
	}
	row, err := db.Prepare("SELECT group_concat(id) AS ids FROM t").First(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if ids, _ := row.String("ids"); ids != "2" {
		t.Fatalf("rows %q, want only the write whose answer was lost (2)", ids)
	}
}

func TestRoundTripValidated(t *testing.T) {
	if _, err := New(Config{RoundTrip: Constant(-time.Millisecond)}); err == nil {
		t.Fatal("a negative round trip was accepted")
	}
}
