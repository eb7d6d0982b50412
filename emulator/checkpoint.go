package emulator

import (
	"errors"
	"fmt"
	"time"

	"github.com/d1check/d1check/d1"
	"zombiezen.com/go/sqlite"
)

// DefaultSnapshotWindow is Config.SnapshotWindow's default: how many
// commits behind the slowest replica the checkpoint trails, so how far back
// RestartReplica can always go. The nemesis's restart-replica faults go a
// handful of commits back; a thousand is generous and costs a thousand
// small changesets of memory.
const DefaultSnapshotWindow = 1000

// checkpointEvery is how often the checkpoint catches up. Each catch-up
// applies everything due in one transaction, so a longer period costs less
// CPU and a little more retained log.
const checkpointEvery = 50 * time.Millisecond

// ErrSnapshotTrimmed is (wrapped in) RestartReplica's error for a position
// older than the oldest snapshot kept (see Emulator.OldestSnapshot).
var ErrSnapshotTrimmed = errors.New("the snapshot at that position is no longer kept")

// checkpoint is a database that no client reads: it applies the log
// trailing the slowest replica by window commits. It is what keeps memory
// flat: the log holds only the entries after the checkpoint, and
// RestartReplica rebuilds an older snapshot by copying the checkpoint
// (SQLite's backup API) and replaying the few entries after it, instead of
// replaying the whole log from the start.
//
// Trailing the slowest replica rather than the primary means a replica
// paused for a long time still finds its own snapshots within reach: any
// position at most window commits behind any replica's applied position
// can be restored. The price is that a paused replica holds the log.
type checkpoint struct {
	*instance
	log    *replLog
	window uint64
	broken error // guarded by instance.mu: the checkpoint failed to apply
}

// advance applies every entry up to target (the slowest replica's position
// less the window) and trims the log behind it.
func (c *checkpoint) advance(slowest uint64) {
	if slowest <= c.window {
		return
	}
	target := slowest - c.window
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.conn == nil || c.broken != nil || target <= c.pos {
		return
	}
	batch, ok := c.log.span(c.pos+1, target)
	if !ok {
		c.broken = fmt.Errorf("emulator: checkpoint at %d cannot reach %d: the log no longer holds the entries between", c.pos, target)
		return
	}
	if err := c.applyEntries(batch, false); err != nil {
		c.broken = fmt.Errorf("emulator: checkpoint failed to apply position %d..%d: %v", c.pos+1, target, err)
		return
	}
	c.pos = target
	c.log.trim(target)
}

// restore rebuilds the snapshot at position from into dst: it checks
// that the checkpoint reaches back that far, lets reopen replace dst's
// database with an empty one, copies the checkpoint into it (SQLite's
// backup API) and returns the entries that take it on to from. All of it
// happens under the checkpoint's lock, so the checkpoint cannot move past
// from in between; when the position is refused, reopen is not called and
// dst is untouched. The caller holds dst's lock.
func (c *checkpoint) restore(from uint64, reopen func() error, dst *instance) ([]*entry, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.conn == nil:
		return nil, errClosed
	case c.broken != nil:
		return nil, c.broken
	case from < c.pos:
		return nil, fmt.Errorf("%w (the oldest is %d: the emulator keeps Config.SnapshotWindow = %d commits behind the slowest replica)", ErrSnapshotTrimmed, c.pos, c.window)
	}
	batch, ok := c.log.span(c.pos+1, from)
	if !ok {
		return nil, fmt.Errorf("the log does not hold positions %d..%d", c.pos+1, from)
	}
	if err := reopen(); err != nil {
		return nil, err
	}
	err := dst.internal(func(conn *sqlite.Conn) error {
		b, err := sqlite.NewBackup(conn, "main", c.conn, "main")
		if err != nil {
			return err
		}
		_, err = b.Step(-1)
		return errors.Join(err, b.Close())
	})
	if err != nil {
		return nil, fmt.Errorf("copy the checkpoint at %d: %w", c.pos, err)
	}
	return batch, dst.updateSize()
}

// oldest is the oldest position a replica can restart from.
func (c *checkpoint) oldest() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.pos
}

// runCheckpoint advances the checkpoint every checkpointEvery until Close.
func (e *Emulator) runCheckpoint() {
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	for {
		select {
		case <-e.stop:
			return
		case <-t.C:
			e.advanceCheckpoint()
		}
	}
}

// advanceCheckpoint moves the checkpoint up behind the slowest replica.
func (e *Emulator) advanceCheckpoint() {
	slowest := uint64(0)
	for i, region := range d1.Regions {
		r := e.replicas[region]
		r.mu.Lock()
		if i == 0 || r.pos < slowest {
			slowest = r.pos
		}
		r.mu.Unlock()
	}
	e.ckpt.advance(slowest)
}

// OldestSnapshot is the oldest position RestartReplica accepts right now.
// Any position at most Config.SnapshotWindow commits behind a replica's
// applied position is always at least this.
func (e *Emulator) OldestSnapshot() uint64 { return e.ckpt.oldest() }
