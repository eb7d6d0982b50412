package selftest

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/d1check/d1check/checker"
	"github.com/d1check/d1check/history"
)

// TestMatrix runs the detection matrix: every planted bug detected on
// every seed by the intended check, and no false alarm in any control.
// The full matrix (DefaultSeeds seeds) runs without the race detector;
// under -race or -short, where SQLite is many times slower, it runs two
// seeds per row, which still exercises every code path for races.
func TestMatrix(t *testing.T) {
	opts := Options{}
	if raceEnabled || testing.Short() {
		opts.Seeds = 2
		t.Logf("race detector or -short: %d seeds per row instead of %d", opts.Seeds, DefaultSeeds)
	}
	m, err := Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := WriteTable(&b, m); err != nil {
		t.Fatal(err)
	}
	t.Logf("\n%s", b.String())
	if !m.OK() {
		t.Fatal("the detection matrix failed: see the table")
	}
	for _, c := range m.Cells {
		if c.OpsNeeded < 1 || c.OpsNeeded > c.Ops {
			t.Errorf("%s × %s: ops needed %d outside 1..%d", c.Bug, c.Workload, c.OpsNeeded, c.Ops)
		}
	}
}

func TestOptions(t *testing.T) {
	if _, err := Run(context.Background(), Options{Seeds: -1}); err == nil || !strings.Contains(err.Error(), "seeds is -1") {
		t.Fatalf("err = %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, Options{Seeds: 1}); err == nil {
		t.Fatal("a cancelled run reported no error")
	}
}

// TestOK: one miss or one alarm fails the matrix; an empty one is not OK.
func TestOK(t *testing.T) {
	good := Matrix{Cells: []Cell{{Seeds: 2, Detected: 2}}, Controls: []Control{{Seeds: 2}}}
	if !good.OK() {
		t.Fatal("a perfect matrix is not OK")
	}
	for _, bad := range []Matrix{
		{},
		{Cells: []Cell{{Seeds: 2, Detected: 1}}, Controls: good.Controls},
		{Cells: good.Cells, Controls: []Control{{Seeds: 2, Alarms: 1}}},
		{Cells: []Cell{{}}, Controls: good.Controls},
	} {
		if bad.OK() {
			t.Errorf("%+v is OK", bad)
		}
	}
	var b bytes.Buffer
	bad := Matrix{Cells: good.Cells, Controls: []Control{{Name: "correct", Seeds: 2, Alarms: 1, Examples: []string{"seed 1: stale-read: …"}}}}
	if err := WriteTable(&b, bad); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "false alarm (correct") || !strings.HasSuffix(b.String(), "selftest: FAIL\n") {
		t.Fatalf("table:\n%s", b.String())
	}
}

// TestOpsNeeded: the earliest proof counts the client invokes up to its
// last event; final reads are not client ops.
func TestOpsNeeded(t *testing.T) {
	var evs []history.Event
	add := func(typ history.Type, session string) {
		evs = append(evs, history.Event{Index: len(evs), Type: typ, Session: session, F: "get_user", Value: json.RawMessage(`{}`)})
	}
	for i := 0; i < 5; i++ { // client ops: invokes at 0, 2, 4, 6, 8
		add(history.Invoke, "s")
		add(history.OK, "s")
	}
	add(history.Invoke, finalReads) // 10
	add(history.OK, finalReads)     // 11
	h := &history.History{Events: evs}
	proofs := []checker.Anomaly{{Events: []int{2, 7}}, {Events: []int{0, 5}}, {Events: []int{3, 11}}}
	if n := opsNeeded(h, proofs); n != 3 {
		t.Fatalf("opsNeeded = %d, want 3 (invokes 0, 2, 4 precede event 5)", n)
	}
	if n := opsNeeded(h, proofs[2:]); n != 5 {
		t.Fatalf("opsNeeded with a final read = %d, want every client op", n)
	}
}

// TestRender: the text, HTML and Markdown renderings of one matrix agree
// on its rows and verdict; a miss and a false alarm show, and quoted text
// cannot break out of the HTML or the Markdown table.
func TestRender(t *testing.T) {
	m := Matrix{
		Cells: []Cell{
			{Bug: "lost-write", Workload: "users", Variant: "unconstrained", Bookmarks: "carry", OneRegion: true, Check: "session-guarantees",
				Kinds: []checker.Kind{checker.ReadYourWrites, checker.MonotonicRead}, Seeds: 2, Detected: 1, Missed: []int64{2}, OpsNeeded: 41, Ops: 400},
			{Bug: "ignore-bookmark", Workload: "cdn", Variant: "unconstrained", Bookmarks: "carry", Seeds: 2, Detected: 2, OpsNeeded: 9, Ops: 400},
		},
		Controls: []Control{{Name: "correct", Workload: "users", Variant: "atomic", Bookmarks: "none", Seeds: 2, Ops: 400, Alarms: 1,
			Examples: []string{"seed 1: stale-read: <script>x</script>"}}},
		Uncovered: map[string]string{"out-of-order × users": "too weak"},
	}
	var text, html, md bytes.Buffer
	if err := WriteTable(&text, m); err != nil {
		t.Fatal(err)
	}
	if err := WriteHTML(&html, m); err != nil {
		t.Fatal(err)
	}
	if err := WriteMarkdown(&md, m); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"1/2 (missed seeds [2])", "unconstrained (one region)", "OP BOUND", "not covered: out-of-order × users: too weak", "selftest: FAIL"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, text.String())
		}
	}
	h := html.String()
	for _, want := range []string{"<!DOCTYPE html>", "selftest: FAIL", `<tr class="bad"><td>lost-write</td>`, `<tr class="ok"><td>ignore-bookmark</td>`,
		"&lt;script&gt;x&lt;/script&gt;", "<td>400</td>", "read-your-writes|monotonic-read"} {
		if !strings.Contains(h, want) {
			t.Errorf("HTML lacks %q:\n%s", want, h)
		}
	}
	if strings.Contains(h, "<script>") || strings.Contains(h, "http") {
		t.Errorf("HTML is not self-contained and inert:\n%s", h)
	}
	for _, want := range []string{"**selftest: FAIL**", `| lost-write | users | unconstrained (one region) | carry | session-guarantees | read-your-writes\|monotonic-read | 1/2 (missed seeds [2]) | 41 | 400 |`,
		"- out-of-order × users: too weak", "## False alarms"} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("Markdown lacks %q:\n%s", want, md.String())
		}
	}
}
