// Package scenarios holds d1check's scenario files — the built-in gate/,
// demo/ and soak/ suites, embedded in the binary — and the strict parser
// that turns a scenario file into a Scenario.
//
// A scenario says what traffic to drive (workload, variants, bookmark
// policy, clients, ops or duration, key space), against which target, with
// which faults, and — with expect — what verdict makes it pass. Parsing is
// strict because a typo in a gate file must never silently weaken the gate:
// an unknown field, a bad duration or an impossible value is an error that
// names the file, line and field, before anything runs.
package scenarios

import (
	"fmt"
	"time"

	"github.com/d1check/d1check/httpspec"
)

// Scenario is one parsed, validated scenario file.
type Scenario struct {
	Name      string   `json:"name"`
	Workload  string   `json:"workload"`
	Variants  []string `json:"variants"`
	Bookmarks string   `json:"bookmarks"` // "none" | "carry" (an http workload: carry when it has a header or cookie)
	Clients   int      `json:"clients"`
	// Exactly one of Ops and Duration is set.
	Ops      int           `json:"ops,omitempty"`
	Duration time.Duration `json:"duration,omitempty"`
	Keys     Keys          `json:"keys"`
	Target   Target        `json:"target"`
	Faults   []Fault       `json:"faults,omitempty"`
	Seed     int64         `json:"seed"`
	Expect   *Expect       `json:"expect,omitempty"`
	// HTTP is the declared traffic of an http workload (Workload "http").
	HTTP *httpspec.Spec `json:"http,omitempty"`
	// File is where the scenario was read from ("builtin:gate/users-atomic.yaml"
	// for an embedded one).
	File string `json:"file"`
}

// Keys is the key space: Count long-lived keys, and a Hot share of the
// traffic on HotKeys fresh keys at a time, where first-time races happen.
type Keys struct {
	Count   int     `json:"count"`
	Hot     float64 `json:"hot"`
	HotKeys int     `json:"hot_keys"`
}

// Target is where the traffic goes.
type Target struct {
	Kind string `json:"kind"` // one of TargetKinds
	URL  string `json:"url,omitempty"`
	// Dir is an app target's wrangler project, resolved against the
	// scenario file's directory.
	Dir         string      `json:"dir,omitempty"`
	Replication Replication `json:"replication"`
	// RoundTrip is the emulator's network time per query between the
	// Worker and the database (a Lag form). Real queries cross a network,
	// which is what makes a read-then-write race wide enough to lose.
	RoundTrip Lag `json:"round_trip"`
	// Time is TimeSimulated (the default on the emulator) or TimeReal
	// (the only choice for worker and rest targets).
	Time string `json:"time"`
}

// Values of Target.Time.
const (
	// TimeSimulated runs the embedded emulator on a virtual clock with a
	// seeded scheduler (package sim): the run replays byte for byte from
	// its seed, and waiting on lag and round trips costs no wall time.
	TimeSimulated = "simulated"
	// TimeReal runs on the machine's clock, goroutines racing for real.
	TimeReal = "real"
)

// Replication is the emulator's replication model: one lag for every
// region, optionally overridden per region.
type Replication struct {
	Lag     Lag            `json:"lag"`
	Regions map[string]Lag `json:"regions,omitempty"`
}

// Lag is one lag model. Exactly one form is set: Constant; Min and Max
// (uniform); or P50 and P99 (long-tailed). The zero Lag is no lag.
type Lag struct {
	Constant time.Duration `json:"constant,omitempty"`
	Min      time.Duration `json:"min,omitempty"`
	Max      time.Duration `json:"max,omitempty"`
	P50      time.Duration `json:"p50,omitempty"`
	P99      time.Duration `json:"p99,omitempty"`
}

// Fault is one scheduled fault: Kind starts At into the run and lasts For.
type Fault struct {
	At     time.Duration `json:"at"`
	Kind   string        `json:"kind"`
	Region string        `json:"region,omitempty"`
	For    time.Duration `json:"for,omitempty"`
	// Lag is the lag during a lag-spike; Delay the added latency of a
	// slow-primary; Snapshot how many commits back a restart-replica goes.
	Lag      time.Duration `json:"lag,omitempty"`
	Delay    time.Duration `json:"delay,omitempty"`
	Snapshot int           `json:"snapshot,omitempty"`
}

// Expect turns a scenario into a regression: it passes when the verdict is
// Verdict, every kind in Anomalies is found, and every kind found is in
// Anomalies or Allow.
//
// On simulated time a run replays from its seed, so Anomalies is the exact
// set the run shows and Allow stays empty. Allow exists for runs on real
// time, whose schedule is the machine's: a scenario that always produces
// duplicate-create may produce a stale-read on some schedules and not on
// others. Listing such a kind under allow keeps the gate strict about what
// must be detected, and about kinds nobody expected, without making it flaky.
//
// Real, when given, replaces Anomalies and Allow for a run on real time
// (target.time: real, or a scenario run on worker, workerd, app or rest
// with --target): a built-in demo states its exact kinds for its simulated
// seed and, under real, what every real schedule must and may show.
type Expect struct {
	Verdict   string      `json:"verdict"`
	Anomalies []string    `json:"anomalies,omitempty"`
	Allow     []string    `json:"allow,omitempty"`
	Real      *ExpectKind `json:"real,omitempty"`
}

// ExpectKind is the kinds a run on real time must show (Anomalies) and may
// show (Allow).
type ExpectKind struct {
	Anomalies []string `json:"anomalies,omitempty"`
	Allow     []string `json:"allow,omitempty"`
}

// For returns the kinds a run must and may show: Real's on real time when
// it is given, the expectation's own otherwise.
func (e *Expect) For(simulated bool) (must, may []string) {
	if !simulated && e.Real != nil {
		return e.Real.Anomalies, e.Real.Allow
	}
	return e.Anomalies, e.Allow
}

// FaultKinds are the fault kinds a scenario may schedule.
var FaultKinds = []string{"pause-replication", "lag-spike", "restart-replica", "slow-primary", "request-timeout", "drop-bookmark"}

// Defaults for fields a scenario leaves out.
const (
	DefaultClients   = 16
	DefaultOps       = 2000
	DefaultKeys      = 50
	DefaultHot       = 0.2
	DefaultHotKeys   = 2
	DefaultBookmarks = "none"
	DefaultTarget    = "emulator"
	DefaultSeed      = 1
)

// Target kinds.
const (
	TargetEmulator = "emulator" // the embedded emulator, in-process
	TargetWorkerd  = "workerd"  // the driver Worker on workerd over the embedded emulator
	TargetWorker   = "worker"   // a driver Worker at a URL
	TargetREST     = "rest"     // the D1 REST API at a URL
	TargetApp      = "app"      // the team's own wrangler project on workerd over the embedded emulator
)

// TargetKinds lists the target kinds.
var TargetKinds = []string{TargetEmulator, TargetWorkerd, TargetWorker, TargetREST, TargetApp}

// Emulated reports whether a target of kind is backed by d1check's own
// emulator, whose replication lag, round trip and faults a scenario sets.
func Emulated(kind string) bool {
	return kind == TargetEmulator || kind == TargetWorkerd || kind == TargetApp
}

// OverrideTarget runs s on kind instead of its own target (`--target`):
// an emulated scenario may run on either emulated kind, keeping its lag,
// round trip and faults; a scenario written for a URL stays on it.
func (s *Scenario) OverrideTarget(kind string) error {
	if s.Target.Kind == TargetApp || s.HTTP != nil {
		return fmt.Errorf("%s: --target %s: the scenario runs the app in %s; its target stays the app", s.File, kind, s.Target.Dir)
	}
	if !Emulated(kind) || kind == TargetApp {
		return fmt.Errorf("--target %q: want %s or %s (a worker or rest target needs a url: write it in the scenario)", kind, TargetEmulator, TargetWorkerd)
	}
	if !Emulated(s.Target.Kind) {
		return fmt.Errorf("%s: --target %s: the scenario's target is %s at %s, not the emulator", s.File, kind, s.Target.Kind, s.Target.URL)
	}
	s.Target.Kind = kind
	return nil
}
