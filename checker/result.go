package checker

import (
	"io"

	"github.com/anishathalye/porcupine"
)

// Verdict is a check's answer.
type Verdict string

const (
	Valid   Verdict = "valid"
	Invalid Verdict = "invalid"
	// Unknown means the check could not decide (porcupine timed out). It
	// is never read as valid.
	Unknown Verdict = "unknown"
)

// worse returns the verdict of two checks together: invalid beats
// unknown beats valid.
func worse(a, b Verdict) Verdict {
	if a == Invalid || b == Invalid {
		return Invalid
	}
	if a == Unknown || b == Unknown {
		return Unknown
	}
	return Valid
}

// Check names, as summary.json spells them.
const (
	CheckLinearizability   = "linearizability"
	CheckSessionGuarantees = "session-guarantees"
	CheckInvariants        = "invariants"
)

// Kind is an anomaly's kind.
type Kind string

const (
	DuplicateCreate    Kind = "duplicate-create"
	StaleRead          Kind = "stale-read"
	DoubleUse          Kind = "double-use"
	FalseReject        Kind = "false-reject"
	ReadYourWrites     Kind = "read-your-writes"
	MonotonicRead      Kind = "monotonic-read"
	BookmarkRegression Kind = "bookmark-regression"
	LostWrite          Kind = "lost-write"
	// LostUpdate is a read-modify-write that overwrote a concurrent one's
	// result: two token refreshes both replacing the same old token.
	LostUpdate Kind = "lost-update"
	// NonLinearizable is a partition porcupine rejects that none of the
	// kinds above explains; its explanation quotes the longest
	// linearizable prefix porcupine found.
	NonLinearizable Kind = "non-linearizable"
)

// Blame says whom an anomaly indicts.
type Blame string

const (
	// BlameApplication: the access pattern is wrong. Cross-session
	// linearizability failures and broken invariants are what an
	// unconstrained read-then-write is expected to produce.
	BlameApplication Blame = "application"
	// BlameDatabase: D1 (or the emulator, or the driver) broke a promise it
	// makes: a session guarantee, a bookmark order, an acknowledged write.
	BlameDatabase Blame = "database"
)

// Anomaly is one violation with the events that prove it.
type Anomaly struct {
	Kind  Kind   `json:"kind"`
	Check string `json:"check"`
	// Events are the indexes of the involved ops' invoke and completion
	// events, ascending.
	Events      []int  `json:"events"`
	Explanation string `json:"explanation"`
	Blame       Blame  `json:"blame"`
	Variant     string `json:"variant,omitempty"`
	Key         string `json:"key,omitempty"`
	Session     string `json:"session,omitempty"`
	// subject is the op whose result the anomaly contradicts (the read),
	// by its completion's index, so that two checks' anomalies about one
	// read can be matched: see blameExplained.
	subject int
}

// VariantResult is one check's verdict for one variant.
type VariantResult struct {
	Variant string  `json:"variant"`
	Verdict Verdict `json:"verdict"`
	Checked int     `json:"checked"`
	Failed  int     `json:"failed"`
	Unknown int     `json:"unknown,omitempty"`
}

// CheckResult is one row of the report.
type CheckResult struct {
	Name    string  `json:"name"`
	Verdict Verdict `json:"verdict"`
	// Unit says what Checked, Failed and Unknown count: "partitions"
	// (variant × key) for linearizability, "sessions", or "keys" (with a
	// final read or acknowledged writes) for invariants.
	Unit    string `json:"unit"`
	Checked int    `json:"checked"`
	Failed  int    `json:"failed"`
	Unknown int    `json:"unknown,omitempty"`
	// Anomalies counts every anomaly found, including those left out of
	// Result.Anomalies by Options.MaxAnomalies.
	Anomalies int             `json:"anomalies"`
	Variants  []VariantResult `json:"variants,omitempty"`
	Note      string          `json:"note,omitempty"`
}

// Result is the checked history.
type Result struct {
	Verdict   Verdict       `json:"verdict"`
	Checks    []CheckResult `json:"checks"`
	Anomalies []Anomaly     `json:"anomalies"`
	// Failures are porcupine's partial linearizations of the partitions it
	// rejected, at most Options.MaxVisualizations of them, for the HTML
	// report.
	Failures []PartitionFailure `json:"failures,omitempty"`
}

// PartitionFailure is a partition porcupine rejected.
type PartitionFailure struct {
	Model   string `json:"model"`
	Variant string `json:"variant,omitempty"`
	Key     string `json:"key"`
	// Ops are the completion indexes of the partition's operations, in the
	// order porcupine numbers them.
	Ops   []int                       `json:"ops"`
	Info  porcupine.LinearizationInfo `json:"-"`
	model porcupine.Model
}

// Visualize writes porcupine's interactive HTML visualization of the
// failure.
func (f *PartitionFailure) Visualize(w io.Writer) error {
	return porcupine.Visualize(f.model, f.Info, w)
}
