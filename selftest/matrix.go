package selftest

import (
	"github.com/d1check/d1check/checker"
)

// Cell is one planted bug on one configuration: did the intended check
// find the intended kind of anomaly on every seed?
type Cell struct {
	Bug       string `json:"bug"`
	Workload  string `json:"workload"`
	Variant   string `json:"variant"`
	Bookmarks string `json:"bookmarks"`
	// OneRegion runs every client in the bug's region (emulator.Config.
	// BugRegion): lost-write and out-of-order corrupt one replica, which
	// with clients spread over six regions only a sixth of them would read.
	OneRegion bool `json:"one_region,omitempty"`
	// Check and Kinds are what must fire: an anomaly of one of Kinds
	// reported by Check.
	Check string         `json:"check"`
	Kinds []checker.Kind `json:"kinds"`
	// Seeds were run; Detected of them fired. Missed lists the others.
	Seeds    int     `json:"seeds"`
	Detected int     `json:"detected"`
	Missed   []int64 `json:"missed,omitempty"`
	// OpsNeeded is, over the detected seeds, the largest number of client
	// ops invoked up to the last event of the earliest proof (see
	// opsNeeded): the op budget this cell needs. Ops is the budget it had.
	OpsNeeded int `json:"ops_needed"`
	Ops       int `json:"ops"`
	// Found counts, per anomaly kind any check reported, the seeds it
	// appeared on: what else the bug looks like.
	Found map[checker.Kind]int `json:"found,omitempty"`
}

// Control is a configuration that must stay quiet: over every seed, no
// anomaly of Kinds (every kind when empty) from Check (every check when
// empty), and a verdict that is not unknown.
type Control struct {
	Name      string `json:"name"`
	Workload  string `json:"workload"`
	Variant   string `json:"variant"`
	Bookmarks string `json:"bookmarks"`
	OneRegion bool   `json:"one_region,omitempty"`
	// Faults is true when every emulator fault ran during the run.
	Faults bool           `json:"faults,omitempty"`
	Check  string         `json:"check,omitempty"`
	Kinds  []checker.Kind `json:"kinds,omitempty"`
	Seeds  int            `json:"seeds"`
	Ops    int            `json:"ops"`
	// Alarms counts the seeds that raised one; Examples quotes a few.
	Alarms   int      `json:"alarms"`
	Examples []string `json:"examples,omitempty"`
}

// Matrix is the selftest's answer.
type Matrix struct {
	Cells    []Cell    `json:"cells"`
	Controls []Control `json:"controls"`
	// Uncovered names planted bugs (or bug × workload pairs) the matrix
	// does not gate on, with why and what it would take.
	Uncovered map[string]string `json:"uncovered,omitempty"`
}

// OK reports 100% detection in every cell and no false alarm in any
// control.
func (m Matrix) OK() bool {
	for _, c := range m.Cells {
		if c.Seeds == 0 || c.Detected != c.Seeds {
			return false
		}
	}
	for _, c := range m.Controls {
		if c.Seeds == 0 || c.Alarms != 0 {
			return false
		}
	}
	return len(m.Cells) > 0
}

// FalseAlarms is the controls that raised an alarm.
func (m Matrix) FalseAlarms() []Control {
	var out []Control
	for _, c := range m.Controls {
		if c.Alarms > 0 {
			out = append(out, c)
		}
	}
	return out
}
