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
	// NotApplicable counts what the check has no rule for and so did not
	// check (invariants: keys of the register, compare-and-set and
	// versioned models); it is never part of Checked.
	NotApplicable int `json:"not_applicable,omitempty"`
	Failed        int `json:"failed"`
	Unknown       int `json:"unknown,omitempty"`
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
