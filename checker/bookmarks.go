package checker

import (
	"fmt"

	"github.com/d1check/d1check/d1"
	"github.com/d1check/d1check/history"
)

// mark is a bookmark with the op and statement that carried it.
type mark struct {
	bookmark string
	op       *Op
}

// checkSessionBookmarks checks the bookmark chain of one session from its
// traces, which is where monotonic writes and writes-follow-reads become
// observable: every statement must be served at a state no older than the
// bookmark it sent, and a session must never send or receive a bookmark
// older than one it already received. Strings that are not well-formed
// bookmarks (the constraints, or garbage a misspelt constraint turns into)
// are not compared. At most one anomaly per op: its first broken
// statement.
func checkSessionBookmarks(ops []*Op) []Anomaly {
	var newest mark
	var out []Anomaly
	inSessionOrder(ops,
		func(k *Op) {
			for _, st := range k.Trace {
				newest = newer(newest, mark{st.BookmarkOut, k})
			}
		},
		func(r *Op) {
			had := newest // within the op, statements run in order
			if r.HTTP != nil {
				// An app's request: D1 promised only what the app's own
				// D1 session sent. What the browser held and sent is the
				// app's business (blamed by value, see chainBroken), so
				// the chain starts afresh inside each request.
				had = mark{}
			}
			for i, st := range r.Trace {
				if a, ok := statementRegression(r, i, st, had); ok {
					out = append(out, a)
					return
				}
				had = newer(had, mark{st.BookmarkOut, r})
			}
		})
	return out
}

// newer keeps the newer of a, which is empty or well-formed, and b, which
// is kept only if well-formed.
func newer(a, b mark) mark {
	if !wellFormed(b.bookmark) {
		return a
	}
	if a.bookmark == "" || bookmarkBefore(a.bookmark, b.bookmark) {
		return b
	}
	return a
}

// wellFormed reports whether s parses as a bookmark. The length test
// skips the parse for constraints and empty strings, the common case.
func wellFormed(s string) bool {
	if len(s) != len("00000000-00000000-00000000-00000000000000000000000000000000") {
		return false
	}
	_, err := d1.ParseBookmark(s)
	return err == nil
}

// bookmarkBefore orders two well-formed bookmarks as the binding does. For
// well-formed bookmarks d1.CompareBookmarks is plain string order (its
// doc), which this uses directly: the collation it approximates for
// anything else converts every string to runes, and a long history
// compares millions of bookmarks.
func bookmarkBefore(a, b string) bool { return a < b }

// statementRegression checks one statement; had is the newest bookmark
// the session held before it (empty or well-formed).
func statementRegression(r *Op, i int, st history.Statement, had mark) (Anomaly, bool) {
	in, out := wellFormed(st.BookmarkIn), wellFormed(st.BookmarkOut)
	var why string
	involved := []*Op{r}
	switch {
	case in && out && bookmarkBefore(st.BookmarkOut, st.BookmarkIn):
		why = fmt.Sprintf("received bookmark %s from %s, older than the %s it sent",
			shortBookmark(st.BookmarkOut), who(st.ServedByPrimary, st.ServedByRegion, st.ServedBy), shortBookmark(st.BookmarkIn))
	case in && had.bookmark != "" && bookmarkBefore(st.BookmarkIn, had.bookmark):
		why = fmt.Sprintf("sent bookmark %s although the session had already received %s from %s at %s, so the bookmark was not carried",
			shortBookmark(st.BookmarkIn), shortBookmark(had.bookmark), had.op.ref(), ms(had.op.Return))
		involved = append(involved, had.op)
	case out && had.bookmark != "" && bookmarkBefore(st.BookmarkOut, had.bookmark):
		why = fmt.Sprintf("was served by %s at bookmark %s although the session had already received %s from %s at %s",
			who(st.ServedByPrimary, st.ServedByRegion, st.ServedBy), shortBookmark(st.BookmarkOut), shortBookmark(had.bookmark), had.op.ref(), ms(had.op.Return))
		involved = append(involved, had.op)
	default:
		return Anomaly{}, false
	}
	subject := fmt.Sprintf("%s in session %s, completed at %s: statement %d (%s)", r.name(), r.Session, ms(r.Return), i+1, firstWord(st.SQL))
	return Anomaly{
		Kind: BookmarkRegression, Check: CheckSessionGuarantees, Events: eventsOf(involved...), Blame: BlameOf(BookmarkRegression, CheckSessionGuarantees),
		Variant: r.Variant, Key: r.Key, Session: r.Session,
		Explanation: subject + " " + why + ": a session's bookmarks must never go back",
	}, true
}
