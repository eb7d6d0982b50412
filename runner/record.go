package runner

import (
	"strings"
	"time"

	"github.com/d1check/d1check/d1"
	"github.com/d1check/d1check/history"
	"github.com/d1check/d1check/sim"
	"github.com/d1check/d1check/workloads"
)

// recorder stamps events with the run's one monotonic clock and writes
// them. The clock is read under the writer's lock (history.AppendNow), so
// the file's times never go backwards whatever the interleaving.
type recorder struct {
	w     *history.Writer // nil: record nothing
	start time.Time       // the clock's zero (Config.Epoch)
	ns    string          // Config.Namespace
	clock sim.Clock       // Config.Clock
}

func (r *recorder) now() int64 { return int64(r.clock.Now().Sub(r.start)) }

func (r *recorder) append(e history.Event) error {
	if r.w == nil {
		return nil
	}
	_, err := r.w.AppendNow(e, r.now)
	return err
}

// completion is the history's type for an op's outcome.
func completion(o workloads.Outcome) history.Type {
	switch o {
	case workloads.OK:
		return history.OK
	case workloads.Fail:
		return history.Fail
	}
	return history.Info // an outcome the runner does not know may have taken effect
}

// statements converts a d1 trace to the history's form, one statement per
// request (a batch's statements are joined), with times on the run's clock.
func (r *recorder) statements(entries []d1.TraceEntry) []history.Statement {
	if len(entries) == 0 {
		return nil
	}
	out := make([]history.Statement, len(entries))
	for i, e := range entries {
		s := history.Statement{
			SQL:             strings.Join(e.SQL, ";\n"),
			BookmarkIn:      e.BookmarkIn,
			BookmarkOut:     e.BookmarkOut,
			ServedBy:        e.ServedBy,
			ServedByPrimary: e.ServedByPrimary,
			ServedByRegion:  e.ServedByRegion,
			Start:           int64(e.Start.Sub(r.start)),
			End:             int64(e.End.Sub(r.start)),
		}
		if e.Err != nil {
			s.Error = e.Err.Error()
		}
		out[i] = s
	}
	return out
}
