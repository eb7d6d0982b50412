package runner

import (
	"errors"
	"fmt"
	"time"

	"github.com/d1check/d1check/d1"
	"github.com/d1check/d1check/history"
	"github.com/d1check/d1check/sim"
	"github.com/d1check/d1check/workloads"
)

// Bookmark policies across a client's requests.
const (
	// BookmarksNone: every request starts a fresh session and is its own
	// session in the history.
	BookmarksNone = "none"
	// BookmarksCarry: the client sends back the bookmark of its previous
	// response (as the x-d1-bookmark header or a cookie would), and all its
	// requests are one session in the history.
	BookmarksCarry = "carry"
)

// Target returns the database a client in region sees: every client has a
// region, and a target serves its reads from that region's replica.
type Target func(region string) (*d1.Database, error)

// DefaultMaxSkew is how many ops a client may run ahead of the slowest one
// when Config.MaxSkew is 0.
const DefaultMaxSkew = 4

// Config is one run.
type Config struct {
	Workload workloads.Workload
	Target   Target
	// Clients run concurrently, each single-threaded; client i runs
	// Variants[i mod len(Variants)] from region d1.Regions[i mod 6].
	Clients int
	// Ops is the total number of intended ops over all clients; Duration
	// bounds the run in time. At least one must be set; with both, the
	// run stops at whichever comes first. The deadline is checked before
	// each op: an op in flight at the deadline completes normally.
	Ops      int
	Duration time.Duration
	Keys     workloads.KeySpace
	Seed     int64
	Variants []string
	// Bookmarks is BookmarksNone or BookmarksCarry.
	Bookmarks string
	// History receives every event. nil records nothing: only for
	// measuring the recording's cost.
	History *history.Writer
	// MaxSkew bounds how many ops a client may be ahead of the slowest
	// unfinished client, so that clients reach a generation of hot keys
	// together and really race on it (it paces clients, it never changes
	// which ops they run). 0 means DefaultMaxSkew; negative, unbounded.
	MaxSkew int
	// Progress, when set, is called every ProgressEvery with the client
	// ops completed so far and Ops (0 for a run bounded by Duration), from
	// a goroutine Run owns and stops before it returns.
	Progress func(done, planned int)

	// Epoch is the zero of the history's clock; the zero Epoch means the
	// moment Run starts. A soak sets one Epoch for many runs that append
	// to one history file, so its times keep going up across runs.
	Epoch time.Time
	// FirstProcess is the first process id the run uses; it uses
	// FirstProcess up to FirstProcess+Stats.Processes-1, so a later run
	// on the same history starts where this one stopped.
	FirstProcess int
	// Namespace prefixes every key and session id the run records (say
	// "w3/"), so that runs appending to one history never share a key or a
	// session with each other. It changes only the record: the workload
	// sees its own keys, so a caller must make sure the database holds no
	// earlier run's rows for them (a soak drops the tables between runs).
	Namespace string

	// OnStart is called once the schema is set up, just before the first
	// op, with the run's clock (nanoseconds since Epoch), so that a
	// nemesis can time its faults from the traffic and stamp its events on
	// the same clock as the ops.
	OnStart func(now func() int64)
	// ClientsDone is called once the clients have stopped, before the
	// final reads, when OnStart was called: faults must be over before the
	// invariant reads, or a fault would be blamed on the application.
	ClientsDone func()
	// ClientFaults, when set, is consulted before each client op; see
	// ClientFaults.
	ClientFaults ClientFaults
	// Clock is the run's time and concurrency; nil is the machine's
	// clock. With a *sim.Scheduler, Run runs the whole run — schema,
	// clients, OnStart's work, final reads — under it, so the history is
	// a function of the seed; the target must then be on the same clock
	// (an emulator with Config.Clock set to it).
	Clock sim.Clock
}

// ClientFaults are faults applied on the client's side of the wire,
// between a client's requests, so they work on every target
// (*nemesis.Nemesis implements it).
type ClientFaults interface {
	// DropBookmark reports whether a client in region must forget its
	// carried bookmark before its next op. The client then starts a new
	// session, and the history says so with a new session id: the same
	// id with the bookmark gone would be a false session break.
	DropBookmark(region string) bool
	// RequestDeadline is the deadline to give a client's next op in
	// region, if any: an op that runs out of time is indeterminate (info)
	// when it may have written, fail when it only read.
	RequestDeadline(region string) (time.Duration, bool)
}

// ProgressEvery is how often Config.Progress is called.
const ProgressEvery = 200 * time.Millisecond

// Validate reports bad input before anything runs.
func (c *Config) Validate() error {
	var errs []error
	if c.Workload == nil {
		errs = append(errs, errors.New("no workload"))
	}
	if c.Target == nil {
		errs = append(errs, errors.New("no target"))
	}
	if c.Clients < 1 {
		errs = append(errs, fmt.Errorf("clients is %d, want at least 1", c.Clients))
	}
	switch {
	case c.Ops < 0:
		errs = append(errs, fmt.Errorf("ops is %d, want at least 0", c.Ops))
	case c.Duration < 0:
		errs = append(errs, fmt.Errorf("duration is %v, want at least 0", c.Duration))
	case c.Ops == 0 && c.Duration == 0:
		errs = append(errs, errors.New("neither ops nor duration is set: the run would never end"))
	}
	if c.FirstProcess < 0 {
		errs = append(errs, fmt.Errorf("first process is %d, want at least 0", c.FirstProcess))
	}
	if c.Epoch.After(time.Now()) {
		errs = append(errs, fmt.Errorf("epoch %v is in the future: the run's times would be negative", c.Epoch))
	}
	if err := c.Keys.Validate(); err != nil {
		errs = append(errs, err)
	}
	if c.Bookmarks != BookmarksNone && c.Bookmarks != BookmarksCarry {
		errs = append(errs, fmt.Errorf("bookmarks is %q, want %q or %q", c.Bookmarks, BookmarksNone, BookmarksCarry))
	}
	if c.Workload != nil {
		if err := workloads.CheckVariants(c.Workload, c.Variants); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("runner: bad configuration: %w", err)
	}
	return nil
}

func (c *Config) maxSkew() int {
	if c.MaxSkew == 0 {
		return DefaultMaxSkew
	}
	return c.MaxSkew
}

// opsFor is how many ops client i runs: Ops split as evenly as possible,
// or -1 (no limit) for a run bounded by Duration only.
func (c *Config) opsFor(i int) int {
	if c.Ops == 0 {
		return -1
	}
	n := c.Ops / c.Clients
	if i < c.Ops%c.Clients {
		n++
	}
	return n
}
