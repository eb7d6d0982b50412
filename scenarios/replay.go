package scenarios

import (
	"fmt"
	"strings"
)

// Simulated reports whether s runs on simulated time (see TimeSimulated).
// A scenario recorded before target.time existed ran on real time.
func (s *Scenario) Simulated() bool {
	return s.Target.Kind == "emulator" && s.Target.Time == TimeSimulated
}

// ReplayCommand is the command that runs s again, as it ran: its file (a
// built-in one by its suite path), its seed, and its op count when a run
// bounded by ops. On simulated time it replays the run byte for byte, with
// the same d1check version; on real time it runs the same traffic, not
// the same schedule.
func (s *Scenario) ReplayCommand() string {
	file := strings.TrimPrefix(s.File, BuiltinPrefix)
	if file == "" {
		file = s.Name + ".yaml"
	}
	cmd := fmt.Sprintf("d1check run %s --seed %d", shellQuote(file), s.Seed)
	if s.Ops > 0 {
		cmd += fmt.Sprintf(" --ops %d", s.Ops)
	}
	return cmd
}

// shellQuote quotes a path for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:+,=@") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
