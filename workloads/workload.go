// Package workloads holds the access patterns d1check puts under test and
// the generators that drive them: one subpackage per workload (users,
// magiccodes), each registering itself here, as database/sql drivers do.
// Import workloads/all to register every workload.
//
// A workload is written the way the application's TypeScript is, against
// d1/ only: it never knows which target it runs on. Its generator decides
// the intended operations from the seed alone, never from results, so the
// same seed replays the same traffic.
package workloads

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"sync"
)

// Variant names shared by the workloads: the access patterns the README's
// "What the gate shows" table compares.
const (
	// Plain uses env.DB directly: no session, primary only.
	Plain = "plain"
	// Unconstrained opens withSession() per request (or the carried
	// bookmark) and uses it for the read and the write: the guide's phase
	// 1–2 pattern.
	Unconstrained = "unconstrained"
	// FirstPrimary is the guide's fix spelled correctly:
	// withSession('first-primary'), then SELECT, then INSERT/UPDATE.
	FirstPrimary = "first-primary"
	// Atomic does the check and the write in one statement, and reads
	// that must be fresh from the primary.
	Atomic = "atomic"
	// GuideLiteral is the guide's code exactly as written:
	// withSession({constraint: 'first_unconditional'}), which throws a
	// TypeError before any query is sent.
	GuideLiteral = "guide-literal"
)

// Op is one intended operation: what the history's invoke records.
type Op struct {
	F   string
	Key string
	// Value is the invoke's value; it must marshal to JSON.
	Value any
}

// KeySpace shapes the keys a generator picks.
type KeySpace struct {
	// Count is the number of long-lived keys (e.g. users) ops spread over.
	Count int
	// Hot is the share of ops, in [0,1], that go to hot keys.
	Hot float64
	// HotKeys is how many hot keys are live at a time. Hot keys are fresh
	// every generation (a few ops per client), so that several clients
	// meet on a key that does not exist yet: the first-time race.
	HotKeys int
}

// Validate reports an impossible key space.
func (k KeySpace) Validate() error {
	switch {
	case k.Count < 1:
		return fmt.Errorf("keys.count is %d, want at least 1", k.Count)
	case !(k.Hot >= 0 && k.Hot <= 1): // also catches NaN
		return fmt.Errorf("keys.hot is %v, want a share in [0,1]", k.Hot)
	case k.HotKeys < 0:
		return fmt.Errorf("keys.hot_keys is %d, want at least 0", k.HotKeys)
	case k.Hot > 0 && k.HotKeys == 0:
		return fmt.Errorf("keys.hot is %v but keys.hot_keys is 0: no hot key to send traffic to", k.Hot)
	}
	return nil
}

// GenConfig is what a client's generator is derived from. Peer and Peers
// place the client among the clients running the same variant, so that a
// generator can hand coordinated roles (who issues a code, who double
// submits it) to peers without talking to them.
type GenConfig struct {
	Seed    int64
	Client  int
	Variant string
	Peer    int // index among the clients of this variant, in [0, Peers)
	Peers   int
	Keys    KeySpace
}

// Generator yields one client's intended operations. It is used by one
// goroutine and must not look at results.
type Generator interface {
	Next() Op
}

// Workload is one application function under test, in several variants.
type Workload interface {
	Name() string
	// Variants lists the variants Do understands.
	Variants() []string
	// Schema is the DDL for the given variants' tables.
	Schema(variants []string) []string
	// Generator returns the generator of one client.
	Generator(cfg GenConfig) Generator
	// Do runs op as the variant's code would handle one request, and
	// returns the ok value. Final-read ops (FinalRead's) are served here
	// too, on the primary.
	Do(ctx context.Context, env *Env, variant string, op Op) (value any, err error)
	// FinalRead maps an op the run invoked to the op that reads, at the
	// end and on the primary, the state its key left behind; ok is false
	// when the op needs none. Ops on one key map to equal final reads.
	FinalRead(op Op) (final Op, ok bool)
}

var (
	mu       sync.RWMutex
	registry = map[string]Workload{}
)

// Register makes w available to Lookup. It panics on a duplicate name: that
// is a programming error found at init.
func Register(w Workload) {
	mu.Lock()
	defer mu.Unlock()
	if _, dup := registry[w.Name()]; dup {
		panic("workloads: Register called twice for " + w.Name())
	}
	registry[w.Name()] = w
}

// Lookup returns the workload registered under name.
func Lookup(name string) (Workload, error) {
	mu.RLock()
	defer mu.RUnlock()
	if w, ok := registry[name]; ok {
		return w, nil
	}
	return nil, fmt.Errorf("unknown workload %q (known: %v)", name, namesLocked())
}

// Names lists the registered workloads, sorted.
func Names() []string {
	mu.RLock()
	defer mu.RUnlock()
	return namesLocked()
}

func namesLocked() []string {
	out := make([]string, 0, len(registry))
	for n := range registry {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// CheckVariants reports the first of variants w does not know, or an
// empty list.
func CheckVariants(w Workload, variants []string) error {
	if len(variants) == 0 {
		return fmt.Errorf("workload %s: no variant given (known: %v)", w.Name(), w.Variants())
	}
	for _, v := range variants {
		if !contains(w.Variants(), v) {
			return fmt.Errorf("workload %s: unknown variant %q (known: %v)", w.Name(), v, w.Variants())
		}
	}
	return nil
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// Marshal encodes an op's value for the history.
func Marshal(v any) (json.RawMessage, error) {
	if v == nil {
		return nil, nil
	}
	return json.Marshal(v)
}
