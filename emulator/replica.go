package emulator

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"github.com/d1check/d1check/d1"
	"github.com/d1check/d1check/sim"
	"zombiezen.com/go/sqlite"
)

// replica is a read replica: an instance plus its apply schedule. It
// applies the replication log in order, each entry after its lag, as
// scheduled work: a timer on the emulator's clock set for the next
// entry's due time (see reschedule), not a goroutine of its own. Under
// simulated time an apply is thus one more event in the seeded schedule.
type replica struct {
	*instance
	log   *replLog
	ckpt  *checkpoint // where restart copies its snapshot from
	lag   LagModel
	hook  func(region string, pos uint64, drawn time.Duration) time.Duration
	rng   *rand.Rand
	every time.Duration    // Config.ApplyEvery
	bugs  replicaBugs      // planted apply bugs (bugs.go); zero: none
	fire  func(gen uint64) // runs a due apply (Emulator.fireReplica)

	// advanced is broadcast whenever pos changes (and on Close).
	advanced sim.Cond

	// Guarded by instance.mu.
	paused   bool
	broken   error     // set when applying failed: the replica refuses to serve
	drawnPos uint64    // the newest entry whose due time is drawn
	lastDue  time.Time // its due time
	applied  time.Time // when the last apply ran
	timer    sim.Timer // the pending apply; nil: none
	timerGen uint64    // counts timers set, so a stale one knows it
	wakeAt   time.Time // when timer fires

	// armed is timer != nil, readable without r.mu: a commit need not
	// lock a replica whose pending apply will see the new entry anyway.
	armed atomic.Bool
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

// reschedule sets the apply timer for the next entry's due time — but
// never sooner than ApplyEvery after the last apply — unless a timer set
// no later is already pending. It is called whenever that time may have
// changed: a commit, an apply, pause, resume, restart, a lag change. The
// caller holds r.mu.
func (r *replica) reschedule(now time.Time) {
	if r.paused || r.broken != nil || r.conn == nil {
		r.disarm()
		return
	}
	e := r.entryAt(r.pos + 1)
	if e == nil {
		return // the next commit reschedules
	}
	due := r.dueTime(e)
	every := r.every
	if r.bugs.cutAfter(r.pos) {
		every = max(every, time.Millisecond) // serve the swapped state a while
	}
	due = later(due, r.applied.Add(every))
	if r.timer != nil {
		if !r.wakeAt.After(due) {
			return
		}
		r.disarm()
	}
	r.timerGen++
	gen := r.timerGen
	r.wakeAt = due
	r.timer = r.clock.AfterFunc(due.Sub(now), func() { r.fire(gen) })
	r.armed.Store(true)
}

func (r *replica) disarm() {
	if r.timer != nil {
		r.timer.Stop()
		r.timer = nil
	}
	r.armed.Store(false)
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// applyDue applies, in one transaction, every entry that is due at now,
// and reports whether it applied any. The caller holds r.mu.
func (r *replica) applyDue(now time.Time) bool {
	if r.paused || r.broken != nil || r.conn == nil {
		return false
	}
	if now.Before(r.applied.Add(r.every)) {
		return false
	}
	var batch []*entry
	for {
		e := r.entryAt(r.pos + uint64(len(batch)) + 1)
		if e == nil {
			if len(batch) == 0 && r.log.trimmed(r.pos+1) {
				// Cannot happen while the checkpoint trails every replica;
				// if it ever does, fail loudly rather than wait forever.
				r.broken = fmt.Errorf("replica %s at position %d needs log entries already trimmed", r.region, r.pos)
			}
			break
		}
		if r.dueTime(e).After(now) {
			break
		}
		batch = append(batch, e)
		if r.bugs.cutAfter(e.pos) {
			break
		}
	}
	if len(batch) == 0 {
		return false
	}
	r.apply(batch)
	r.applied = now
	return true
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
	r.advanced.Broadcast()
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
// set), bounded by limit on the emulator's clock; f runs under r.mu and
// sees exactly position r.pos.
func (r *replica) serve(ctx context.Context, want uint64, wait bool, limit time.Duration, f func() error) error {
	var deadline time.Time
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
		mark, pos := r.advanced.Mark(), r.pos
		r.mu.Unlock()
		now := r.clock.Now()
		if deadline.IsZero() {
			deadline = now.Add(limit)
		}
		left := deadline.Sub(now)
		if left <= 0 {
			return bookmarkTimeout(r.region, pos, want, limit)
		}
		err := r.advanced.Wait(ctx, mark, left)
		if errors.Is(err, sim.ErrTimeout) {
			return bookmarkTimeout(r.region, pos, want, limit)
		}
		if err != nil {
			return err
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
	r.disarm() // the next entry's due time is drawn anew
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
