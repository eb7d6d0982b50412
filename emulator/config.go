package emulator

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/d1check/d1check/d1"
	"github.com/d1check/d1check/sim"
)

// Config describes an emulated replicated D1.
type Config struct {
	// PrimaryRegion is where the primary lives; default "ENAM". Every
	// region, this one included, also has a replica (reference: "a replica
	// in every region, the primary's included").
	PrimaryRegion string
	// Lag is the lag model per region; regions absent use DefaultLag.
	Lag map[string]LagModel
	// DefaultLag is the lag of regions absent from Lag; zero: no lag.
	DefaultLag LagModel
	// RoundTrip is the network time of each request between the Worker
	// and the instance that serves it, drawn per request: half passes
	// before the instance sees the request, half after it answers. Zero
	// (the default) answers in microseconds, which makes a read-then-write
	// race far narrower than on Cloudflare, where every query crosses a
	// network; scenarios set a few milliseconds. On simulated time a zero
	// draw takes SimulatedRequestTime.
	RoundTrip LagModel
	// Seed seeds the lag draws (one generator per region).
	Seed int64
	// Dir, when set, keeps each instance's database on disk in this
	// directory (primary.db, replica-WEUR.db, …); "" keeps them in memory.
	// The directory must not already hold emulator databases: the
	// replication log lives in memory, so old files could not be resumed.
	Dir string
	// BookmarkWait bounds how long a replica waits to reach a bookmark
	// before it fails the request with ErrBookmarkTimeout's message
	// (a D1 transient error, so the harness records the op as
	// indeterminate). Default 5s.
	BookmarkWait time.Duration
	// GarbageBookmark says what a request carrying a string that is neither
	// a constraint nor a well-formed bookmark does: GarbageUnconstrained
	// (default) serves it like first-unconstrained — and since such a
	// string sorts after every real bookmark under localeCompare, the
	// binding keeps sending it for the rest of the session — or
	// GarbageError fails it. Production's behaviour is unknown.
	GarbageBookmark string
	// ApplyEvery is the least time between two applies on one replica
	// (default 1ms; negative: apply as soon as anything is due). Each
	// apply runs every due commit in one transaction: a transaction per
	// commit would cost each of six replicas a commit of its own per
	// write. A commit thus becomes visible between its lag and its lag
	// plus ApplyEvery.
	ApplyEvery time.Duration
	// SnapshotWindow is how many commits behind the slowest replica the
	// emulator keeps the means to rebuild a snapshot (a checkpoint database
	// and the log after it), so how far back RestartReplica can always go
	// (default DefaultSnapshotWindow). It bounds memory: the log holds the
	// commits not yet applied everywhere plus this window.
	SnapshotWindow int
	// Hooks are fault-injection points; nil hooks do nothing.
	Hooks Hooks
	// Clock is the emulator's time: round trips, replication lag,
	// bookmark waits and when replicas apply. nil is the machine's clock;
	// a *sim.Scheduler makes the emulator's every choice a function of
	// Seed and the order the scheduler gives its callers (see package
	// sim), and every request must then come from one of its actors.
	Clock sim.Clock
	// Bugs plants the named bugs (KnownBugs; see bugs.go), to prove that
	// d1check's checks catch them. Empty, the default, is a correct D1.
	Bugs []string
	// BugRegion is the one replica that lost-write and out-of-order
	// corrupt; "" means the primary's region.
	BugRegion string
	// BugEvery is how often those two strike: lost-write skips every
	// BugEvery-th commit, out-of-order swaps commit k with k+1 for every
	// multiple k of BugEvery. 0 means DefaultBugEvery; out-of-order needs
	// at least 2.
	BugEvery int

	bugs bugSet // Bugs, parsed by withDefaults
}

// Values of Config.GarbageBookmark.
const (
	GarbageUnconstrained = "unconstrained"
	GarbageError         = "error"
)

// Hooks are the seams fault injection and planted bugs attach to. Each is
// called synchronously on the request or replication path; a nil hook costs
// one comparison.
type Hooks struct {
	// Lag, when set, replaces each lag drawn for region at commit position
	// pos (lag spikes, a frozen region).
	Lag func(region string, pos uint64, drawn time.Duration) time.Duration
	// BeforeRequest runs before an instance serves a request (region is the
	// serving replica's, or "" for the primary). It may sleep (a slow
	// primary) or return an error (a transient D1 failure), in which case
	// the request is not executed and that error is returned as is.
	BeforeRequest func(ctx context.Context, region string, req d1.Request) error
	// AfterRequest runs after an instance has served a request, with the
	// request's outcome (err is nil on success). A non-nil return replaces
	// the response with that error while the request's effect stays: a
	// write committed whose answer was lost, as a timeout or "Network
	// connection lost." leaves it, which is what makes a history's info
	// ops real.
	AfterRequest func(ctx context.Context, region string, req d1.Request, err error) error
}

// DefaultApplyEvery is Config.ApplyEvery's default.
const DefaultApplyEvery = time.Millisecond

// DefaultBookmarkWait is Config.BookmarkWait's default.
const DefaultBookmarkWait = 5 * time.Second

// withDefaults validates c and fills its defaults.
func (c Config) withDefaults() (_ Config, err error) {
	if c.PrimaryRegion == "" {
		c.PrimaryRegion = "ENAM"
	}
	if !d1.ValidRegion(c.PrimaryRegion) {
		return c, fmt.Errorf("emulator: primary region %q: %w", c.PrimaryRegion, errUnknownRegion)
	}
	regions := make([]string, 0, len(c.Lag))
	for r := range c.Lag {
		regions = append(regions, r)
	}
	sort.Strings(regions)
	for _, r := range regions {
		if !d1.ValidRegion(r) {
			return c, fmt.Errorf("emulator: lag for region %q: %w", r, errUnknownRegion)
		}
		if err := c.Lag[r].Validate(); err != nil {
			return c, fmt.Errorf("emulator: region %s: %w", r, err)
		}
	}
	if err := c.DefaultLag.Validate(); err != nil {
		return c, fmt.Errorf("emulator: default %w", err)
	}
	if err := c.RoundTrip.Validate(); err != nil {
		return c, fmt.Errorf("emulator: round trip: %w", err)
	}
	switch {
	case c.BookmarkWait == 0:
		c.BookmarkWait = DefaultBookmarkWait
	case c.BookmarkWait < 0:
		return c, fmt.Errorf("emulator: negative BookmarkWait %v", c.BookmarkWait)
	}
	switch {
	case c.SnapshotWindow == 0:
		c.SnapshotWindow = DefaultSnapshotWindow
	case c.SnapshotWindow < 0:
		return c, fmt.Errorf("emulator: SnapshotWindow is %d, want at least 1 commit", c.SnapshotWindow)
	}
	c.Clock = sim.Or(c.Clock)
	if c.ApplyEvery == 0 {
		c.ApplyEvery = DefaultApplyEvery
	}
	switch c.GarbageBookmark {
	case "":
		c.GarbageBookmark = GarbageUnconstrained
	case GarbageUnconstrained, GarbageError:
	default:
		return c, fmt.Errorf("emulator: GarbageBookmark %q: want %q or %q", c.GarbageBookmark, GarbageUnconstrained, GarbageError)
	}
	if c.bugs, err = parseBugs(c.Bugs); err != nil {
		return c, err
	}
	if c.BugRegion == "" {
		c.BugRegion = c.PrimaryRegion
	}
	if !d1.ValidRegion(c.BugRegion) {
		return c, fmt.Errorf("emulator: bug region %q: %w", c.BugRegion, errUnknownRegion)
	}
	switch {
	case c.BugEvery == 0:
		c.BugEvery = DefaultBugEvery
	case c.BugEvery < 0:
		return c, fmt.Errorf("emulator: BugEvery is %d, want at least 1", c.BugEvery)
	}
	if c.bugs.outOfOrder && c.BugEvery < 2 {
		return c, fmt.Errorf("emulator: BugEvery is %d, but %s swaps pairs of commits and needs at least 2", c.BugEvery, BugOutOfOrder)
	}
	if c.Dir != "" {
		if err := os.MkdirAll(c.Dir, 0o755); err != nil {
			return c, fmt.Errorf("emulator: %w", err)
		}
		old, _ := filepath.Glob(filepath.Join(c.Dir, "*.db"))
		if len(old) > 0 {
			return c, fmt.Errorf("emulator: %s already holds databases (%s); the replication log is not persisted, so use an empty directory", c.Dir, filepath.Base(old[0]))
		}
	}
	return c, nil
}

// lagFor is the lag model of region.
func (c Config) lagFor(region string) LagModel {
	if m, ok := c.Lag[region]; ok {
		return m
	}
	return c.DefaultLag
}

// path is where instance name's database lives.
func (c Config) path(name string) string {
	if c.Dir == "" {
		return ":memory:"
	}
	return filepath.Join(c.Dir, name+".db")
}

// errUnknownRegion names the valid regions once, for every region error.
var errUnknownRegion = fmt.Errorf("unknown region (want one of %v)", d1.Regions)
