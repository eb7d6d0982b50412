package emulator

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/d1check/d1check/d1"
	"zombiezen.com/go/sqlite"
)

// replica is a read replica: an instance plus the goroutine that applies
// the replication log to it, in order, each entry after its lag.
type replica struct {
	*instance
	log   *replLog
	ckpt  *checkpoint // where restart copies its snapshot from
	lag   LagModel
	hook  func(region string, pos uint64, drawn time.Duration) time.Duration
	rng   *rand.Rand
	kick  chan struct{} // wakes the applier after pause, resume or restart
	close chan struct{} // closed by Emulator.Close
	every time.Duration // Config.ApplyEvery
	bugs  replicaBugs   // planted apply bugs (bugs.go); zero: none

	// Guarded by instance.mu.
	paused   bool
	broken   error         // set when applying failed: the replica refuses to serve
	advanced chan struct{} // closed and replaced whenever pos changes
	drawnPos uint64        // the newest entry whose due time is drawn
	lastDue  time.Time     // its due time
	applied  time.Time     // when the last apply ran
}

// dueTime draws entry e's lag once and returns when it may be applied: its
// commit time plus the lag, but never before the entry before it, since a
// replica applies in commit order. The caller holds r.mu.
func (r *replica) dueTime(e *entry) time.Time {
	if e.pos == r.drawnPos {
		return r.lastDue
	}
	lag := r.lag.Draw(r.rng)
	if r.hook != nil {
		lag = r.hook(r.region, e.pos, lag)
	}
	t := e.at.Add(lag)
	if t.Before(r.lastDue) {
		t = r.lastDue
	}
	r.drawnPos, r.lastDue = e.pos, t
	return t
}

// run applies the log until Close. Everything it changes is guarded by
// r.mu; it sleeps without the lock.
func (r *replica) run() {
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		wake, grew := r.applyDue(time.Now())
		var tick <-chan time.Time
		if wake > 0 {
			timer.Reset(wake)
			tick = timer.C
		}
		select {
		case <-r.close:
			return
		case <-r.kick:
		case <-grew:
		case <-tick:
		}
	}
}

// applyDue applies, in one transaction, every entry that is due at now.
// It returns how long to sleep before the next one is due (0: wait for the
// log to grow, or for a kick) and the log's growth channel.
func (r *replica) applyDue(now time.Time) (time.Duration, <-chan struct{}) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.paused || r.broken != nil || r.conn == nil {
		return 0, nil
	}
	if next := r.applied.Add(r.every); now.Before(next) {
		return next.Sub(now), nil
	}
	var batch []*entry
	var wake time.Duration
	var grew <-chan struct{}
	for {
		var e *entry
		e, grew = r.entryAt(r.pos + uint64(len(batch)) + 1)
		if e == nil {
			if len(batch) == 0 && r.log.trimmed(r.pos+1) {
				// Cannot happen while the checkpoint trails every replica;
				// if it ever does, fail loudly rather than wait forever.
				r.broken = fmt.Errorf("replica %s at position %d needs log entries already trimmed", r.region, r.pos)
			}
			break
		}
		if t := r.dueTime(e); t.After(now) {
			wake = t.Sub(now)
			break
		}
		batch = append(batch, e)
		if r.bugs.cutAfter(e.pos) {
			wake = max(r.every, time.Millisecond)
			break
		}
	}
	if len(batch) > 0 {
		r.apply(batch)
		r.applied = now
	}
	return wake, grew
}

// apply applies entries in one transaction and advances pos. A failure
// (a changeset conflict means the replica no longer matches the primary)
// breaks the replica loudly: it stops applying and refuses reads.
func (r *replica) apply(batch []*entry) {
	err := r.applyEntries(batch, r.bugs.tolerant())
	if err != nil {
		r.broken = fmt.Errorf("replica %s failed to apply position %d..%d and stopped: %v", r.region, batch[0].pos, batch[len(batch)-1].pos, err)
		return
	}
	r.setPos(batch[len(batch)-1].pos)
	r.updateSize()
}

// setPos moves the applied position and wakes everyone waiting on it.
// The caller holds r.mu.
func (r *replica) setPos(pos uint64) {
	r.pos = pos
	close(r.advanced)
	r.advanced = make(chan struct{})
}

// applyEntries applies entries in one transaction: schema statements
// re-run, row changes applied from changesets by the instance's applier
// (apply.go), in commit order. tolerant (only for a replica with a planted
// bug) skips conflicting changes instead of failing. The caller holds
// in.mu.
func (in *instance) applyEntries(batch []*entry, tolerant bool) error {
	return in.internal(func(c *sqlite.Conn) (err error) {
		if err := execCached(c, "BEGIN IMMEDIATE"); err != nil {
			return err
		}
		defer func() {
			if err != nil {
				if !c.AutocommitEnabled() {
					execCached(c, "ROLLBACK")
				}
				// The schema may be half changed: read it afresh.
				in.applier.reset()
				return
			}
			err = execCached(c, "COMMIT")
		}()
		for _, e := range batch {
			for _, o := range e.ops {
				if o.changeset != nil {
					if err := in.applier.applyChangeset(c, o.changeset, tolerant); err != nil {
						return fmt.Errorf("position %d: %w", e.pos, err)
					}
					continue
				}
				in.applier.reset()
				if err := execScript(c, o.ddl); err != nil {
					return fmt.Errorf("schema change at position %d: %w", e.pos, err)
				}
			}
		}
		return nil
	})
}

// serve runs f once the replica has applied at least want (when wait is
// set), bounded by limit; f runs under r.mu and sees exactly position
// r.pos.
func (r *replica) serve(ctx context.Context, want uint64, wait bool, limit time.Duration, f func() error) error {
	var deadline <-chan time.Time
	for {
		r.mu.Lock()
		switch {
		case r.conn == nil:
			r.mu.Unlock()
			return errClosed
		case r.broken != nil:
			err := r.broken
			r.mu.Unlock()
			return emulatorError(err.Error())
		case !wait || r.pos >= want:
			defer r.mu.Unlock()
			return f()
		}
		advanced, pos := r.advanced, r.pos
		r.mu.Unlock()
		if deadline == nil {
			t := time.NewTimer(limit)
			defer t.Stop()
			deadline = t.C
		}
		select {
		case <-advanced:
		case <-ctx.Done():
			return ctx.Err()
		case <-r.close:
			return errClosed
		case <-deadline:
			return bookmarkTimeout(r.region, pos, want, limit)
		}
	}
}

// BookmarkTimeoutMessage starts the error a replica returns when it does
// not reach a request's bookmark within Config.BookmarkWait. It is one of
// D1's documented transient messages, so d1.Indeterminate and
// d1.ParseError classify it as transient: the read is retryable and its
// outcome recorded as unknown.
const BookmarkTimeoutMessage = "D1 DB is overloaded. Requests queued for too long."

func bookmarkTimeout(region string, at, want uint64, limit time.Duration) error {
	return &d1.Error{Kind: d1.KindTransient, Message: fmt.Sprintf("%s (emulator: the %s replica, at %s, did not reach bookmark %s within %v)",
		BookmarkTimeoutMessage, region, d1.NewBookmark(at), d1.NewBookmark(want), limit)}
}

// restart replaces the replica's database with the snapshot at position
// from — a copy of the checkpoint, taken on to from through the log — and
// lets it catch up from there, each remaining entry again after its lag.
// A position older than the checkpoint is refused before anything
// changes. The caller holds r.mu.
func (r *replica) restart(from uint64) error {
	if from > r.pos {
		return fmt.Errorf("emulator: restart %s from position %d: it has applied only %d (a snapshot must be older)", r.region, from, r.pos)
	}
	var reopened bool
	batch, err := r.ckpt.restore(from, func() error {
		reopened = true
		if err := r.instance.close(); err != nil {
			return err
		}
		if err := r.remove(); err != nil {
			return err
		}
		return r.open()
	}, r.instance)
	if !reopened {
		return fmt.Errorf("emulator: restart %s from position %d: %w", r.region, from, err)
	}
	r.broken = nil
	r.drawnPos, r.lastDue = from, time.Time{}
	if err == nil && len(batch) > 0 {
		err = r.applyEntries(batch, false)
	}
	if err != nil {
		r.broken = fmt.Errorf("replica %s failed to rebuild position %d: %v", r.region, from, err)
		return r.broken
	}
	r.setPos(from)
	return r.updateSize()
}
