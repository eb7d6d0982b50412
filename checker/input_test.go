package checker

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/anishathalye/porcupine"
	"github.com/d1check/d1check/history"
)

const header = `{"d1check":"history","version":1,"target":"emulator","seed":1,"started_at":"2025-01-01T00:00:00Z"}` + "\n"

// TestBadInput: a history the checker cannot judge is an error naming the
// line, never a panic and never a silent pass.
func TestBadInput(t *testing.T) {
	for _, tc := range []struct {
		name, lines, want string
	}{
		{"unknown f", `{"index":0,"type":"invoke","process":1,"f":"transfer","key":"k","time":1}
{"index":1,"type":"ok","process":1,"f":"transfer","key":"k","time":2}`, `line 2 (event 0): unknown op f="transfer"`},
		{"ok value missing a field", `{"index":0,"type":"invoke","process":1,"f":"get_or_create_user","key":"a","time":1}
{"index":1,"type":"ok","process":1,"f":"get_or_create_user","key":"a","value":{"id":3},"time":2}`, `line 3 (event 1): get_or_create_user ok value has no "created"`},
		{"ok value of the wrong type", `{"index":0,"type":"invoke","process":1,"f":"verify_code","key":"a/1","time":1}
{"index":1,"type":"ok","process":1,"f":"verify_code","key":"a/1","value":{"valid":"yes"},"time":2}`, `line 3 (event 1): verify_code ok value does not decode`},
		{"ok value null", `{"index":0,"type":"invoke","process":1,"f":"list_users","key":"a","time":1}
{"index":1,"type":"ok","process":1,"f":"list_users","key":"a","value":null,"time":2}`, `line 3 (event 1): list_users ok value is missing`},
		{"write without a value", `{"index":0,"type":"invoke","process":1,"f":"write","key":"r","value":{},"time":1}`, `line 2 (event 0): write invoke value has no "value"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, err := history.Read(strings.NewReader(header+tc.lines+"\n"), "h.jsonl")
			if err != nil {
				t.Fatalf("the reader refused it: %v", err)
			}
			_, err = Check(h, Options{})
			var ie *InputError
			if !errors.As(err, &ie) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want an InputError containing %q", err, tc.want)
			}
		})
	}
}

// TestBadPairing: a History built in Go skips the reader's validation; the
// checker still refuses a broken pairing.
func TestBadPairing(t *testing.T) {
	inv := history.Event{Index: 0, Type: history.Invoke, Process: 1, F: "get_user", Key: "a", Time: 1}
	for _, tc := range []struct {
		name   string
		events []history.Event
		want   string
	}{
		{"completion without invoke", []history.Event{{Index: 0, Type: history.OK, Process: 1, F: "get_user", Key: "a", Time: 1}}, "no outstanding invoke"},
		{"two outstanding", []history.Event{inv, {Index: 1, Type: history.Invoke, Process: 1, F: "get_user", Key: "a", Time: 2}}, "while its invoke at event 0 is outstanding"},
		{"completion of another op", []history.Event{inv, {Index: 1, Type: history.OK, Process: 1, F: "get_user", Key: "b", Time: 2, Value: []byte(`{"id":null}`)}}, "completes an invoke of get_user"},
		{"unknown type", []history.Event{{Index: 0, Type: "done", Process: 1, F: "get_user", Key: "a"}}, `type "done"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Check(&history.History{Events: tc.events}, Options{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
		})
	}
	if _, err := Check(nil, Options{}); err == nil {
		t.Fatal("nil history: no error")
	}
}

// TestUnfinishedInvokeIsInfo: an invoke the history never completed may
// have taken effect; a later read of its user is legal.
func TestUnfinishedInvokeIsInfo(t *testing.T) {
	h := &history.History{Events: []history.Event{
		{Index: 0, Type: history.Invoke, Process: 1, F: "get_or_create_user", Key: "a", Time: 1},
		{Index: 1, Type: history.Invoke, Process: 2, F: "get_user", Key: "a", Time: 2},
		{Index: 2, Type: history.OK, Process: 2, F: "get_user", Key: "a", Time: 3, Value: []byte(`{"id":4}`)},
	}}
	res, err := Check(h, Options{})
	if err != nil || res.Verdict != Valid {
		t.Fatalf("verdict %v, err %v; want valid", res, err)
	}
}

// TestTimeoutIsUnknown: partitions porcupine had no time for are unknown,
// and an unknown check makes the run unknown, never valid. The deadline is
// already past, so nothing here depends on timing.
func TestTimeoutIsUnknown(t *testing.T) {
	h, err := history.ReadFile("testdata/users-valid.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	ops, err := pairOps(h.Events)
	if err != nil {
		t.Fatal(err)
	}
	parts := partitionOps(ops)
	got := runPartitions(parts, newModels(), time.Now().Add(-time.Second), nil)
	for i, r := range got {
		if r != porcupine.Unknown {
			t.Errorf("partition %d: %s, want Unknown", i, r)
		}
	}
	if v := verdictOf(porcupine.Unknown); v != Unknown {
		t.Errorf("verdictOf(Unknown) = %s", v)
	}
	for _, tc := range []struct{ a, b, want Verdict }{
		{Valid, Unknown, Unknown}, {Unknown, Invalid, Invalid}, {Valid, Valid, Valid}, {Invalid, Valid, Invalid},
	} {
		if got := worse(tc.a, tc.b); got != tc.want {
			t.Errorf("worse(%s, %s) = %s, want %s", tc.a, tc.b, got, tc.want)
		}
	}
}
