package app

import (
	"sort"
	"strings"
	"time"

	"github.com/d1check/d1check/d1"
	"github.com/d1check/d1check/emulator/server"
	"github.com/d1check/d1check/history"
)

// How sure a join of queries to an HTTP op is (history.HTTP.TraceJoin).
const (
	// JoinExact: no other request was in flight at the same region's
	// socket during the op, so every query in its time window is its own.
	JoinExact = "exact"
	// JoinKey: other requests overlapped; the op's queries were those
	// naming its entity among their parameters and forming one bookmark
	// chain from what the browser sent to what it received.
	JoinKey = "key+bookmark"
	// JoinAmbiguous: overlapping requests the bookmarks cannot tell apart;
	// no query is attached.
	JoinAmbiguous = "ambiguous"
)

// Join attaches to every HTTP op's completion the queries the Worker made
// while serving it, from the emulator server's trace: by region socket
// (each region's Worker injects its region into its queries) and time
// (queries that started within the op's call and return), told apart by
// bookmark when requests overlapped. epoch is the history clock's zero. It
// returns how many ops were joined at each level of certainty.
//
// The checker's explanations then say which region and replica served the
// app's stale query, and how many commits behind it was.
func Join(events []history.Event, epoch time.Time, entries []server.TraceEntry) map[string]int {
	byRegion := map[string][]server.TraceEntry{}
	for _, e := range entries {
		r := e.Region
		if r == "" {
			r = d1.Regions[0]
		}
		byRegion[r] = append(byRegion[r], e)
	}
	for _, es := range byRegion {
		sort.Slice(es, func(i, j int) bool { return es[i].Start.Before(es[j].Start) })
	}
	// Each HTTP op's window, from its invoke to its completion.
	type window struct {
		ev         *history.Event
		call, ret  time.Time
		region     string
		overlapped bool
		sameKey    bool // a request on the same entity overlapped
	}
	var ws []*window
	invoked := map[int]int64{} // process -> time of its open invoke
	for i := range events {
		e := &events[i]
		switch {
		case e.Type == history.Invoke:
			invoked[e.Process] = e.Time
		case e.HTTP != nil:
			ws = append(ws, &window{ev: e, call: epoch.Add(time.Duration(invoked[e.Process])), ret: epoch.Add(time.Duration(e.Time)), region: e.HTTP.Region})
		}
	}
	// Overlap, per region: a sweep over windows sorted by call.
	sorted := append([]*window(nil), ws...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].call.Before(sorted[j].call) })
	open := map[string][]*window{}
	for _, w := range sorted {
		live := open[w.region][:0]
		for _, o := range open[w.region] {
			if !o.ret.Before(w.call) {
				live = append(live, o)
				o.overlapped, w.overlapped = true, true
				if o.ev.Key == w.ev.Key {
					o.sameKey, w.sameKey = true, true
				}
			}
		}
		open[w.region] = append(live, w)
	}
	counts := map[string]int{}
	for _, w := range ws {
		es := byRegion[w.region]
		lo := sort.Search(len(es), func(i int) bool { return !es[i].Start.Before(w.call) })
		var in []server.TraceEntry
		for i := lo; i < len(es) && !es[i].Start.After(w.ret); i++ {
			in = append(in, es[i])
		}
		how := JoinExact
		switch {
		case w.sameKey:
			in, how = nil, JoinAmbiguous
		case w.overlapped:
			in, how = tellApart(in, w.ev)
		}
		if len(in) == 0 && how == JoinExact {
			continue // the op made no query (or none in its window)
		}
		w.ev.HTTP.TraceJoin = how
		counts[how]++
		if how == JoinAmbiguous {
			continue
		}
		w.ev.Trace = statements(in, epoch)
	}
	return counts
}

// tellApart picks an op's queries among those of overlapping requests:
// the ones naming the op's entity (its key, or a part of it, among their
// parameters; no overlapping request was on the same entity), forming one
// bookmark chain from what the browser sent to what it received.
func tellApart(in []server.TraceEntry, ev *history.Event) ([]server.TraceEntry, string) {
	parts := strings.Split(ev.Key, "/")
	var named []server.TraceEntry
	for _, e := range in {
		if mentions(e, parts) {
			named = append(named, e)
		}
	}
	if len(named) == 0 {
		return nil, JoinAmbiguous
	}
	if out, how := chain(named, ev.HTTP.BookmarkSent, ev.HTTP.BookmarkReceived); how != JoinAmbiguous {
		return out, JoinKey
	}
	return nil, JoinAmbiguous
}

// mentions reports whether one of e's parameters is one of parts.
func mentions(e server.TraceEntry, parts []string) bool {
	for _, ps := range e.Params {
		for _, p := range ps {
			if s, ok := p.(string); ok {
				for _, part := range parts {
					if part != "" && strings.EqualFold(s, part) {
						return true
					}
				}
			}
		}
	}
	return false
}

// chain orders one request's queries by its session's bookmarks: starting
// from sent (or a constraint: none sent, or the handler chose one), each next query
// carries the newest bookmark the ones before returned; the chain must end
// at received, the bookmark the browser got back, when it got one.
func chain(in []server.TraceEntry, sent, received string) ([]server.TraceEntry, string) {
	var out []server.TraceEntry
	cur := sent
	used := make([]bool, len(in))
	for {
		next := -1
		for i, e := range in {
			if used[i] || !e.Session {
				continue
			}
			// The first query may start from what the browser sent or
			// from a constraint the handler chose (first-primary).
			first := len(out) == 0 && !wellFormed(e.BookmarkIn)
			if first || (cur != "" && e.BookmarkIn == cur) {
				if next < 0 {
					next = i // the earliest: in is in start order
				}
			}
		}
		if next < 0 {
			break
		}
		used[next] = true
		if len(out) == 0 && !wellFormed(in[next].BookmarkIn) {
			cur = "" // the handler ignored what the browser sent
		}
		out = append(out, in[next])
		// The binding keeps the newest bookmark it has seen.
		if b := in[next].BookmarkOut; b != "" && (cur == "" || d1.CompareBookmarks(cur, b) < 0) {
			cur = b
		}
	}
	if len(out) == 0 || (received != "" && cur != received) {
		return nil, JoinAmbiguous
	}
	return out, JoinKey
}

func wellFormed(b string) bool {
	_, err := d1.ParseBookmark(b)
	return err == nil
}

// statements converts trace entries to the history's form.
func statements(in []server.TraceEntry, epoch time.Time) []history.Statement {
	out := make([]history.Statement, len(in))
	for i, e := range in {
		region := e.Region
		if e.Primary {
			region = ""
		}
		out[i] = history.Statement{
			SQL: strings.Join(e.SQL, ";\n"), BookmarkIn: e.BookmarkIn, BookmarkOut: e.BookmarkOut,
			ServedBy: e.ServedBy, ServedByPrimary: e.Primary, ServedByRegion: region,
			Start: int64(e.Start.Sub(epoch)), End: int64(e.Start.Sub(epoch)) + int64(e.Duration*float64(time.Millisecond)),
			Error: e.Error,
		}
	}
	return out
}
