package emulator

import (
	"sync"
	"time"
)

// entry is one commit on the primary: its position (1, 2, …), when it
// committed, and what replicas must do to reproduce it, in order.
type entry struct {
	pos uint64
	at  time.Time
	ops []op
}

// op is one step of an entry: either a changeset (the committed row
// changes, as SQLite's session extension records them) or the text of a
// schema statement to re-run.
type op struct {
	changeset []byte
	ddl       string
}

// replLog is the primary's ordered replication log. It holds only the
// entries after base: the checkpoint (checkpoint.go) has applied every
// entry up to base, every replica has applied more, so nobody will read
// them again and trim drops them. Without that a long run's log held
// every commit for the emulator's lifetime (96% of live heap in a
// 2M-op run).
type replLog struct {
	mu      sync.Mutex
	base    uint64   // entries[i].pos == base+i+1
	entries []*entry // after base
}

func newLog() *replLog { return &replLog{} }

// append adds the next entry; the primary calls it in commit order while
// holding its own lock, so log order is commit order. The primary then
// tells each replica (Emulator.commit), which schedules its apply.
func (l *replLog) append(e *entry) {
	l.mu.Lock()
	l.entries = append(l.entries, e)
	l.mu.Unlock()
}

// get returns the entry at pos. A trimmed position returns nil, like a
// position not yet committed; readers never ask for one (see trim).
func (l *replLog) get(pos uint64) *entry {
	l.mu.Lock()
	defer l.mu.Unlock()
	if pos > l.base && pos <= l.base+uint64(len(l.entries)) {
		return l.entries[pos-l.base-1]
	}
	return nil
}

// span returns the entries at positions from..to (inclusive), or ok false
// when part of that range is trimmed or not yet committed. The slice is
// the caller's: a later trim does not change it.
func (l *replLog) span(from, to uint64) (_ []*entry, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if from > to {
		return nil, true
	}
	if from <= l.base || to > l.base+uint64(len(l.entries)) {
		return nil, false
	}
	return append([]*entry(nil), l.entries[from-l.base-1:to-l.base]...), true
}

// last is the position of the newest entry.
func (l *replLog) last() uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.base + uint64(len(l.entries))
}

// trim drops every entry up to pos. The caller guarantees nobody needs
// them: the checkpoint holds their effect, and every replica is past them.
// The dead head of the backing array is cleared at once and freed by the
// next append that outgrows it (append copies only the live tail).
func (l *replLog) trim(pos uint64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if pos <= l.base {
		return
	}
	n := min(pos-l.base, uint64(len(l.entries)))
	clear(l.entries[:n]) // let the trimmed entries be collected
	l.entries = l.entries[n:]
	l.base += n
}

// trimmed reports whether the entry at pos has been dropped.
func (l *replLog) trimmed(pos uint64) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return pos <= l.base
}

// length is how many entries the log holds.
func (l *replLog) length() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.entries)
}
