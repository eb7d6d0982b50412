package app

import (
	"testing"
	"time"

	"github.com/d1check/d1check/emulator/server"
	"github.com/d1check/d1check/history"
)

const (
	b3 = "00000000-00000003-00000000-00000000000000000000000000000000"
	b5 = "00000000-00000005-00000000-00000000000000000000000000000000"
	b6 = "00000000-00000006-00000000-00000000000000000000000000000000"
)

// op is an HTTP op of process p on key, in region, from call to ret (ms).
func op(p int, key, region string, call, ret int64, sent, received string) []history.Event {
	return []history.Event{
		{Type: history.Invoke, Process: p, Key: key, Time: call * 1e6},
		{Type: history.OK, Process: p, Key: key, Time: ret * 1e6,
			HTTP: &history.HTTP{Route: "r", Method: "GET", Path: "/", Region: region, BookmarkSent: sent, BookmarkReceived: received}},
	}
}

func query(epoch time.Time, at int64, region, in, out string, params ...any) server.TraceEntry {
	return server.TraceEntry{Start: epoch.Add(time.Duration(at) * time.Millisecond), Region: region, Session: true,
		BookmarkIn: in, BookmarkOut: out, SQL: []string{"SELECT 1"}, Params: [][]any{params}}
}

func TestJoin(t *testing.T) {
	epoch := time.Unix(1000, 0)
	var evs []history.Event
	evs = append(evs, op(1, "a@x.test", "WEUR", 1, 5, "", b3)...)   // alone in WEUR
	evs = append(evs, op(2, "b@x.test", "APAC", 10, 20, b3, b5)...) // overlaps op 3 in APAC
	evs = append(evs, op(3, "c@x.test", "APAC", 12, 22, b3, b6)...) // told apart by key
	evs = append(evs, op(4, "d@x.test", "OC", 30, 40, "", b5)...)   // overlaps op 5 on the same key
	evs = append(evs, op(5, "d@x.test", "OC", 31, 41, "", b6)...)
	evs = append(evs, op(6, "e@x.test", "ENAM", 50, 60, b6, b3)...) // the handler ignored b6
	evs = append(evs, op(7, "f@x.test", "ENAM", 51, 61, b6, b6)...)
	trace := []server.TraceEntry{
		query(epoch, 2, "WEUR", "first-unconstrained", b3, "a@x.test"),
		query(epoch, 50, "WEUR", "first-unconstrained", b3, "a@x.test"), // after op 1: not its
		query(epoch, 11, "APAC", b3, b5, "b@x.test"),
		query(epoch, 13, "APAC", b3, b3, "c@x.test"),
		query(epoch, 14, "APAC", b3, b6, "c@x.test"),
		query(epoch, 52, "ENAM", "first-unconstrained", b3, "e@x.test"),
		query(epoch, 53, "ENAM", b6, b6, "f@x.test"),
		query(epoch, 32, "OC", "first-unconstrained", b5, "d@x.test"),
		query(epoch, 33, "OC", "first-unconstrained", b6, "d@x.test"),
	}
	counts := Join(evs, epoch, trace)
	want := map[int]struct {
		how string
		n   int
	}{1: {JoinExact, 1}, 3: {JoinKey, 1}, 5: {JoinKey, 2}, 7: {JoinAmbiguous, 0}, 9: {JoinAmbiguous, 0}, 11: {JoinKey, 1}, 13: {JoinKey, 1}}
	for i, w := range want {
		e := evs[i]
		if e.HTTP.TraceJoin != w.how || len(e.Trace) != w.n {
			t.Errorf("op of process %d: join %q with %d queries, want %q with %d", e.Process, e.HTTP.TraceJoin, len(e.Trace), w.how, w.n)
		}
	}
	if counts[JoinExact] != 1 || counts[JoinKey] != 4 || counts[JoinAmbiguous] != 2 {
		t.Errorf("counts %v", counts)
	}
	if st := evs[1].Trace; len(st) == 1 && (st[0].ServedByRegion != "WEUR" || st[0].Start != 2e6) {
		t.Errorf("statement %+v", st[0])
	}
}
