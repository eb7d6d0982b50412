package reports

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/d1check/d1check/d1"
	"github.com/d1check/d1check/history"
)

func nem(f, value string, t int64) history.Event {
	return history.Event{Type: history.Nemesis, F: f, Value: json.RawMessage(value), Time: t}
}

func TestFaultWindows(t *testing.T) {
	for _, c := range []struct {
		name string
		evs  []history.Event
		want []faultWindow
	}{
		{"phase field", []history.Event{nem("pause-replication", `{"region":"WEUR","phase":"start"}`, 10), nem("pause-replication", `{"region":"WEUR","phase":"end"}`, 20)},
			[]faultWindow{{Kind: "pause-replication", Detail: "region WEUR", Start: 10, End: 20}}},
		{"start/stop in f", []history.Event{nem("start-slow-primary", `{}`, 5), nem("stop-slow-primary", `{}`, 9)},
			[]faultWindow{{Kind: "slow-primary", Start: 5, End: 9}}},
		{"alternating, per region", []history.Event{nem("pause-replication", `{"region":"WEUR"}`, 1), nem("pause-replication", `{"region":"APAC"}`, 2),
			nem("pause-replication", `{"region":"WEUR"}`, 3), nem("pause-replication", `{"region":"APAC"}`, 4)},
			[]faultWindow{{Kind: "pause-replication", Detail: "region WEUR", Start: 1, End: 3}, {Kind: "pause-replication", Detail: "region APAC", Start: 2, End: 4}}},
		{"for duration", []history.Event{nem("lag-spike", `{"region":"OC","for":50}`, 10)},
			[]faultWindow{{Kind: "lag-spike", Detail: "region OC", Start: 10, End: 60}}},
		{"no end: open to the end", []history.Event{nem("pause-replication", `{"region":"WEUR","phase":"start"}`, 10)},
			[]faultWindow{{Kind: "pause-replication", Detail: "region WEUR", Start: 10, End: 100, Open: true}}},
		{"end without start shades nothing", []history.Event{nem("pause-replication", `{"phase":"end"}`, 10)}, nil},
		{"value not an object", []history.Event{nem("restart-replica", `"WEUR"`, 10), nem("restart-replica", `"WEUR"`, 12)},
			[]faultWindow{{Kind: "restart-replica", Start: 10, End: 12}}},
	} {
		got := faultWindows(c.evs, 100)
		if len(got) != len(c.want) {
			t.Errorf("%s: got %+v, want %+v", c.name, got, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("%s: window %d = %+v, want %+v", c.name, i, got[i], c.want[i])
			}
		}
	}
}

func stmt(sql string, primary bool, region string, pos uint64, start, end int64) history.Statement {
	return history.Statement{SQL: sql, ServedByPrimary: primary, ServedByRegion: region, BookmarkOut: d1.NewBookmark(pos), Start: start, End: end}
}

// op appends an invoke and an ok completion.
func op(evs []history.Event, proc int, call, ret int64, trace ...history.Statement) []history.Event {
	n := len(evs)
	return append(evs,
		history.Event{Index: n, Type: history.Invoke, Process: proc, F: "read", Key: "k", Time: call},
		history.Event{Index: n + 1, Type: history.OK, Process: proc, F: "read", Key: "k", Time: ret, Trace: trace})
}

func TestStalenessCountsCommitsBehindWhatClientsKnew(t *testing.T) {
	var evs []history.Event
	evs = op(evs, 1, 0, 10, stmt("INSERT INTO t VALUES (1)", true, "ENAM", 5, 1, 9))                           // commit 5 known at 9
	evs = op(evs, 2, 12, 20, stmt("SELECT * FROM t", false, "WEUR", 2, 13, 19))                                // 3 behind
	evs = op(evs, 3, 12, 20, stmt("select * from t", false, "APAC", 5, 13, 19))                                // fresh
	evs = op(evs, 4, 12, 20, stmt("SELECT * FROM t", true, "ENAM", 1, 13, 19))                                 // primary: not a replica read
	evs = op(evs, 5, 2, 8, stmt("SELECT * FROM t", false, "WEUR", 0, 3, 7))                                    // before the write returned: fresh
	evs = op(evs, 6, 30, 40, history.Statement{SQL: "SELECT 1", ServedByRegion: "OC", BookmarkOut: "garbage"}) // unparsable: skipped
	st := gather(&history.History{Events: evs})
	s := st.Staleness
	if s.Reads != 3 || s.Behind[0] != 2 || s.Behind[stalenessBucket(3)] != 1 || s.Max != 3 {
		t.Fatalf("staleness %+v", s)
	}
	if s.ByRegion["WEUR"] != [2]int{2, 1} || s.ByRegion["APAC"] != [2]int{1, 0} {
		t.Errorf("by region %+v", s.ByRegion)
	}
	if !staleRead(st.Commits, &evs[2], &evs[3]) || staleRead(st.Commits, &evs[4], &evs[5]) {
		t.Error("staleRead disagrees with the histogram")
	}
	if got := len(st.Latency["WEUR replica"]); got != 2 {
		t.Errorf("WEUR latency samples %d, want 2", got)
	}
	if got := len(st.Latency[labelUntraced]); got != 0 {
		t.Errorf("untraced samples %d, want 0", got)
	}
	if st.Counts.Ops != 6 || st.Counts.OK != 6 || st.Counts.Processes != 6 {
		t.Errorf("counts %+v", st.Counts)
	}
}

func TestStalenessBuckets(t *testing.T) {
	for n, want := range map[uint64]string{0: "0", 1: "1", 2: "2", 3: "3–4", 4: "3–4", 5: "5–8", 1024: "513–1024", 1025: "1025+", 1 << 40: "1025+"} {
		if got := stalenessLabel(stalenessBucket(n)); got != want {
			t.Errorf("%d commits behind: bucket %q, want %q", n, got, want)
		}
	}
}

func TestPercentile(t *testing.T) {
	xs := []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	for p, want := range map[float64]float64{0.5: 5, 0.9: 9, 0.99: 10} {
		if got := percentile(xs, p); got != want {
			t.Errorf("p%v = %v, want %v", p*100, got, want)
		}
	}
	if percentile(nil, 0.5) != 0 {
		t.Error("empty")
	}
}

func TestClipKeepsRunesWhole(t *testing.T) {
	s := strings.Repeat("é", 50)
	c := clip(s, 11)
	if !utf8.ValidString(c) || !strings.HasSuffix(c, "…") || len(c) > 11+len("…") {
		t.Errorf("clip = %q", c)
	}
	if clip("short", 10) != "short" {
		t.Error("clip changed a short string")
	}
}

func TestServerLabelsAreBounded(t *testing.T) {
	lat := map[string][]int64{}
	for i := 0; i < 30; i++ {
		lat[strings.Repeat("x", i+1)] = []int64{int64(i)}
	}
	lat[labelPrimary] = []int64{1, 2, 3}
	names, merged := serverOrder(lat)
	if len(names) != maxServers || names[len(names)-1] != otherServer || names[0] != labelPrimary {
		t.Errorf("servers %q", names)
	}
	total := 0
	for _, xs := range merged {
		total += len(xs)
	}
	if total != 33 {
		t.Errorf("merging lost samples: %d of 33", total)
	}
}
