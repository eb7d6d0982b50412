package model

import (
	"fmt"
	"math"
)

// Versioned is the state of an entity whose writes carry increasing
// versions: a product's price, a folder's files, a job's status. The state
// is the newest version written; 0 is "absent".
type Versioned int64

// NoBound is Output.Hi for a read that bounds the version only from below:
// the largest version, so that "at least v" is exactly [v, NoBound].
const NoBound = math.MaxInt64

// versioned models reads that may lag: a read may return any version
// already written, never one not yet written. D1 promises nothing about
// freshness across sessions and a shop accepts a slightly old price, so
// staleness is not illegal here; what is, is going back: the checker holds
// each session (D1's promise) and each client across its requests (the
// application's, kept only by carrying the bookmark) to the newest version
// it wrote or saw. A read reports the interval [Lo, Hi] the version was in
// when it read (both ends included, so no bound ever needs v+1): an exact
// version v is [v, v], "the file is there" is [i, NoBound], "not there"
// is [0, i-1]. That some version in the interval was ever written is
// checked beside porcupine (the state keeps only the newest).
var versioned = Spec{
	Kind: VersionedKind,
	Init: Versioned(0),
	Step: func(s any, in Input, out *Output) (bool, any) {
		v := s.(Versioned)
		switch in.Action {
		case Advance:
			return true, max(v, Versioned(in.Version))
		case Observe:
			return out.Lo <= int64(v) && out.Lo <= out.Hi, v
		}
		return false, v
	},
	Effect: func(s any, in Input) (any, bool) {
		if in.Action == Advance {
			return max(s.(Versioned), Versioned(in.Version)), true
		}
		return s, false
	},
	Hash:          func(s any) uint64 { return mix(uint64(s.(Versioned))) },
	DescribeState: func(s any) string { return fmt.Sprintf("v%d", int64(s.(Versioned))) },
}
