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

// replLog is the primary's ordered replication log. It keeps every entry
// for the emulator's lifetime: a replica restarted "from an older
// snapshot" rebuilds that snapshot by replaying the log from the start.
type replLog struct {
	mu      sync.Mutex
	entries []*entry // entries[i].pos == i+1
	grew    chan struct{}
}

func newLog() *replLog { return &replLog{grew: make(chan struct{})} }

// append adds the next entry; the primary calls it in commit order while
// holding its own lock, so log order is commit order.
func (l *replLog) append(e *entry) {
	l.mu.Lock()
	l.entries = append(l.entries, e)
	close(l.grew)
	l.grew = make(chan struct{})
	l.mu.Unlock()
}

// get returns the entry at pos and a channel closed when the log next
// grows, taken atomically so a caller that finds nothing cannot miss the
// append it then waits for.
func (l *replLog) get(pos uint64) (*entry, <-chan struct{}) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if pos >= 1 && pos <= uint64(len(l.entries)) {
		return l.entries[pos-1], l.grew
	}
	return nil, l.grew
}

// last is the position of the newest entry.
func (l *replLog) last() uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return uint64(len(l.entries))
}
