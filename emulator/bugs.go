package emulator

import (
	"fmt"
	"strings"
)

// Planted bugs: each is a way a replicated database can break its
// promises, built into the emulator so that d1check can show, on every
// commit, that its checks catch it (the selftest detection matrix). A
// checker that has never been seen to fail proves nothing. None is ever on
// by default; each is enabled by naming it in Config.Bugs.
const (
	// BugIgnoreBookmark is a BUG: a replica serves a request carrying a
	// bookmark at once, from whatever it has applied, instead of waiting
	// until it has reached the bookmark. The response carries the
	// replica's own (older) bookmark, so a session sees its bookmark go
	// back as well as its own writes vanish.
	BugIgnoreBookmark = "ignore-bookmark"
	// BugLyingBookmark is a BUG: a replica advertises the newest position
	// it has received from the log (about the primary's) instead of the
	// one it has applied, waits on that, and returns it as its bookmark.
	// Bookmarks look perfectly monotonic; only the values betray it.
	BugLyingBookmark = "lying-bookmark"
	// BugLostWrite is a BUG: the replica of Config.BugRegion skips every
	// Config.BugEvery-th commit: it advances its position past the entry
	// without applying it, so an acknowledged write never reaches it. The
	// buggy replica also ignores the changeset conflicts this causes later
	// instead of stopping, so it keeps serving the divergent state.
	BugLostWrite = "lost-write"
	// BugOutOfOrder is a BUG: the replica of Config.BugRegion applies
	// commits k and k+1 swapped, for every k that is a multiple of
	// Config.BugEvery: at position k it holds k+1's changes but not k's,
	// until k+1 is due. Conflicts this causes (an update before its
	// insert) are ignored, so the divergence can outlive the swap.
	BugOutOfOrder = "out-of-order"
	// BugNonAtomicBatch is a BUG: a batch (or env.DB.batch) whose statement
	// fails commits the statements before it instead of rolling back, and
	// still reports the failure.
	BugNonAtomicBatch = "non-atomic-batch"
	// BugPlainReadsReplica is a BUG (one unconfirmed public report claims
	// production does it): a read through plain env.DB, which Cloudflare
	// documents as primary-only, is served by the client's replica, however
	// stale. Writes still go to the primary.
	BugPlainReadsReplica = "plain-reads-replica"
)

// DefaultBugEvery is Config.BugEvery's default.
const DefaultBugEvery = 5

// KnownBugs lists the planted bugs Config.Bugs accepts.
func KnownBugs() []string {
	return []string{BugIgnoreBookmark, BugLyingBookmark, BugLostWrite, BugOutOfOrder, BugNonAtomicBatch, BugPlainReadsReplica}
}

// bugSet is Config.Bugs parsed: one flag per bug, so the request and
// replication paths test a bool.
type bugSet struct {
	ignoreBookmark, lyingBookmark, lostWrite, outOfOrder, nonAtomicBatch, plainReadsReplica bool
}

// parseBugs turns bug names into a bugSet. An unknown name is an error
// listing the known ones: a typo must not silently run a correct emulator
// where a buggy one was asked for.
func parseBugs(names []string) (bugSet, error) {
	var b bugSet
	for _, n := range names {
		switch n {
		case BugIgnoreBookmark:
			b.ignoreBookmark = true
		case BugLyingBookmark:
			b.lyingBookmark = true
		case BugLostWrite:
			b.lostWrite = true
		case BugOutOfOrder:
			b.outOfOrder = true
		case BugNonAtomicBatch:
			b.nonAtomicBatch = true
		case BugPlainReadsReplica:
			b.plainReadsReplica = true
		default:
			return b, fmt.Errorf("emulator: unknown bug %q (known: %s)", n, strings.Join(KnownBugs(), ", "))
		}
	}
	return b, nil
}

// replicaBugs is what a planted bug changes in one replica's applier.
type replicaBugs struct {
	lose, swap bool   // lost-write, out-of-order
	every      uint64 // Config.BugEvery
}

// tolerant reports whether the replica ignores changeset conflicts: only
// a replica with a planted apply bug does, to keep serving its divergent
// state; a correct replica stops loudly.
func (b replicaBugs) tolerant() bool { return b.lose || b.swap }

// entryAt returns the entry the replica applies as position pos. Without
// a bug it is the log's entry. lost-write empties every every-th entry;
// out-of-order hands out entry k+1's changes as position k (waiting until
// k+1 exists) and k's as position k+1. Schema changes are never lost or
// swapped: a replica without its tables would only fail loudly, which
// proves nothing about the checks.
func (r *replica) entryAt(pos uint64) *entry {
	e := r.log.get(pos)
	b := r.bugs
	if e == nil || b.every == 0 || !dataOnly(e) {
		return e
	}
	switch {
	case b.lose && pos%b.every == 0:
		return &entry{pos: e.pos, at: e.at}
	case b.swap && pos%b.every == 0:
		next := r.log.get(pos + 1)
		if next == nil {
			return nil
		}
		if dataOnly(next) {
			return &entry{pos: e.pos, at: e.at, ops: next.ops}
		}
	case b.swap && pos > 1 && (pos-1)%b.every == 0:
		if prev := r.log.get(pos - 1); dataOnly(prev) {
			return &entry{pos: e.pos, at: e.at, ops: prev.ops}
		}
	}
	return e
}

// dataOnly reports whether e holds row changes only, no schema change.
func dataOnly(e *entry) bool {
	for _, o := range e.ops {
		if o.changeset == nil {
			return false
		}
	}
	return true
}

// cutAfter reports whether an apply must stop after position pos, so the
// swapped state out-of-order leaves at pos is served until the next entry
// is due, rather than merged away in the same transaction.
func (b replicaBugs) cutAfter(pos uint64) bool {
	return b.swap && b.every > 0 && pos%b.every == 0
}
