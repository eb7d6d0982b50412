package reports

import (
	"encoding/json"
	"regexp"
	"strconv"
	"testing"

	"github.com/d1check/d1check/checker"
	"github.com/d1check/d1check/d1"
	"github.com/d1check/d1check/history"
)

// TestCommitsBehindAgree pins that the checker's sentence and the report's
// staleness chart and timeline count the same "commits behind" for one
// read. The history is built where the two used to differ: a read on the
// primary had shown a newer position than any write (the checker counted
// reads' bookmarks, the chart writes only).
func TestCommitsBehindAgree(t *testing.T) {
	const ms = int64(1e6)
	code := json.RawMessage(`{"email":"a@x.test","code":"1"}`)
	evs := []history.Event{
		{Type: history.Invoke, Process: 1, Session: "s1", F: "issue_code", Key: "a@x.test/1", Value: code, Time: 1 * ms},
		{Type: history.OK, Process: 1, Session: "s1", F: "issue_code", Key: "a@x.test/1", Value: json.RawMessage(`{}`), Time: 2500000,
			Trace: []history.Statement{{SQL: "INSERT INTO codes VALUES (?, ?)", BookmarkOut: d1.NewBookmark(8), ServedByPrimary: true, Start: 1100000, End: 2 * ms}}},
		{Type: history.Invoke, Process: 2, Session: "s2", F: "read_code", Key: "b@x.test/2", Value: json.RawMessage(`{"email":"b@x.test","code":"2"}`), Time: 1 * ms},
		{Type: history.OK, Process: 2, Session: "s2", F: "read_code", Key: "b@x.test/2", Value: json.RawMessage(`{"issued":false,"used":false}`), Time: 2700000,
			Trace: []history.Statement{{SQL: "SELECT * FROM codes", BookmarkOut: d1.NewBookmark(9), ServedByPrimary: true, Start: 1200000, End: 2200000}}},
		{Type: history.Invoke, Process: 3, Session: "s3", F: "verify_code", Key: "a@x.test/1", Value: code, Time: 3 * ms},
		{Type: history.OK, Process: 3, Session: "s3", F: "verify_code", Key: "a@x.test/1", Value: json.RawMessage(`{"valid":false}`), Time: 5 * ms,
			Trace: []history.Statement{{SQL: "SELECT 1 FROM codes WHERE email = ? AND code = ?", BookmarkOut: d1.NewBookmark(4), ServedByRegion: "APAC", Start: 3100000, End: 4900000}}},
	}
	for i := range evs {
		evs[i].Index = i
	}
	h := &history.History{Events: evs}
	res, err := checker.Check(h, checker.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var sentence string
	for _, a := range res.Anomalies {
		if a.Kind == checker.FalseReject {
			sentence = a.Explanation
		}
	}
	m := regexp.MustCompile(`(\d+) commits? behind`).FindStringSubmatch(sentence)
	if m == nil {
		t.Fatalf("no false-reject saying how far behind: %+v", res.Anomalies)
	}
	said, _ := strconv.ParseUint(m[1], 10, 64)
	st := gather(h)
	if st.Staleness.Reads != 1 || st.Staleness.Max != said {
		t.Errorf("the sentence says %d commits behind, the staleness chart %d (over %d replica reads): %s", said, st.Staleness.Max, st.Staleness.Reads, sentence)
	}
	if !staleRead(st.Commits, &evs[4], &evs[5]) {
		t.Error("the timeline does not mark the read stale")
	}
	if said != 4 {
		t.Errorf("%d commits behind, want 4: the INSERT had returned commit 8 before the replica served 4", said)
	}
}
