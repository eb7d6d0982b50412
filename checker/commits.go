package checker

import (
	"sort"

	"github.com/d1check/d1check/d1"
	"github.com/d1check/d1check/history"
)

// CommitIndex answers "how many commits behind was this read served": the
// newest commit any client had seen (the bookmark a successful write
// statement returned) before the read started, minus the position the read
// was served at. It is the one definition: the checker's sentences ("4
// commits behind") and the report's staleness chart and timelines use it,
// so they cannot disagree. Writes only: every commit is a write's, and
// keeping reads' bookmarks too would double what a million-event report
// holds for no commit a write did not already show.
//
// Times are the statements' own (a commit is seen when its statement
// ended, a read starts when its statement started); a trace without them
// (a hand-written history) falls back on the op's completion and
// invocation.
type CommitIndex struct {
	// seen is every write's (time, position); once sorted, pos is the
	// running maximum: the newest position seen by time t.
	seen   []commitSeen
	sorted bool
}

type commitSeen struct {
	t   int64
	pos uint64
}

// Add records the bookmarks of an op's trace; completed is the op's
// completion time, for statements that carry no end time.
func (ci *CommitIndex) Add(trace []history.Statement, completed int64) {
	for i := range trace {
		st := &trace[i]
		if st.Error != "" || st.BookmarkOut == "" || !d1.ClassifySQL(st.SQL).Writes() {
			continue
		}
		b, err := d1.ParseBookmark(st.BookmarkOut)
		if err != nil {
			continue
		}
		t := st.End
		if t == 0 {
			t = completed
		}
		ci.seen = append(ci.seen, commitSeen{t, b.Position()})
		ci.sorted = false
	}
}

// build sorts what Add recorded by time and turns each position into the
// running maximum Newest searches, in place.
func (ci *CommitIndex) build() {
	if ci.sorted {
		return
	}
	sort.Slice(ci.seen, func(i, j int) bool { return ci.seen[i].t < ci.seen[j].t })
	var m uint64
	for i := range ci.seen {
		m = max(m, ci.seen[i].pos)
		ci.seen[i].pos = m
	}
	ci.sorted = true
}

// Newest is the newest position seen strictly before t; ok is false when
// none was.
func (ci *CommitIndex) Newest(t int64) (pos uint64, ok bool) {
	ci.build()
	i := sort.Search(len(ci.seen), func(i int) bool { return ci.seen[i].t >= t })
	if i == 0 {
		return 0, false
	}
	return ci.seen[i-1].pos, true
}

// Behind is how many commits behind the newest seen the statement st was
// served, 0 when it was not behind or its bookmark does not parse.
// invoked is the op's invocation time, for a statement with no start.
func (ci *CommitIndex) Behind(st *history.Statement, invoked int64) uint64 {
	b, err := d1.ParseBookmark(st.BookmarkOut)
	if err != nil {
		return 0
	}
	t := st.Start
	if t == 0 {
		t = invoked
	}
	if newest, ok := ci.Newest(t); ok && newest > b.Position() {
		return newest - b.Position()
	}
	return 0
}

// newCommitIndex indexes the checker's ops.
func newCommitIndex(ops []*Op) *CommitIndex {
	ci := &CommitIndex{}
	for _, o := range ops {
		if o.Complete >= 0 {
			ci.Add(o.Trace, o.Return)
		}
	}
	ci.build()
	return ci
}
