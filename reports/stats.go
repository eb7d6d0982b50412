package reports

import (
	"github.com/d1check/d1check/checker"
	"sort"

	"github.com/d1check/d1check/d1"
	"github.com/d1check/d1check/history"
)

// stats is everything the charts and counts need from one history,
// gathered in one pass. Its size depends on the number of ops only through
// the latency samples and the staleness points (8–24 bytes each); every
// chart reduces them to a fixed number of bars or buckets.
type stats struct {
	Counts     Counts
	Latency    map[string][]int64 // server label -> durations (ns)
	Throughput throughput
	Faults     []faultWindow
	Staleness  staleness
	// Commits answers "how many commits behind was this read", for the
	// timelines' stale-read highlight.
	Commits *checker.CommitIndex
}

// Counts are a history's totals, as summary.json reports them.
type Counts struct {
	Events    int `json:"events"`
	Ops       int `json:"ops"`
	OK        int `json:"ok"`
	Fail      int `json:"fail"`
	Info      int `json:"info"`
	Nemesis   int `json:"nemesis"`
	Processes int `json:"processes"`
	// DurationNS is the time of the last event.
	DurationNS int64 `json:"duration_ns"`
	// Truncated and Synthesized say the history was cut off (a killed run)
	// and how many info completions the reader added for it.
	Truncated   bool `json:"truncated,omitempty"`
	Synthesized int  `json:"synthesized,omitempty"`
}

// throughputBuckets is how many time buckets the throughput chart has,
// whatever the run's length.
const throughputBuckets = 60

// throughput counts completions per time bucket and type.
type throughput struct {
	Width            int64 // ns per bucket
	OK, Fail, Info   []int
	End              int64
	completionsTotal int
}

// Server labels for the latency chart.
const (
	labelPrimary   = "primary"
	labelUntraced  = "not traced"
	labelUnknown   = "unknown"
	replicaSuffix  = " replica"
	maxServerLabel = 40
)

// serverLabel names who served a statement: "primary", "WEUR replica", or
// what served_by says. Labels are short and bounded: they become chart
// legend text and map keys, and a hostile trace must not blow either up.
func serverLabel(st *history.Statement) string {
	var l string
	switch {
	case st.ServedByPrimary:
		l = labelPrimary
	case st.ServedByRegion != "":
		l = st.ServedByRegion + replicaSuffix
	case st.ServedBy != "":
		l = st.ServedBy
	default:
		l = labelUnknown
	}
	return clip(l, maxServerLabel)
}

// gather computes a history's stats. It never fails: a history the
// reader accepted is structurally sound, and anything it cannot use (an
// unparsable bookmark, a trace without times) is simply not counted.
func gather(h *history.History) *stats {
	s := &stats{Latency: map[string][]int64{}}
	if h == nil {
		return s
	}
	evs := h.Events
	s.Counts.Events = len(evs)
	s.Counts.Truncated, s.Counts.Synthesized = h.Truncated, h.Synthesized
	for i := range evs {
		s.Counts.DurationNS = max(s.Counts.DurationNS, evs[i].Time)
	}
	s.Throughput = newThroughput(s.Counts.DurationNS)
	var nem []history.Event
	var sc staleCollector
	open := map[int]int{} // process -> position of its open invoke
	procs := map[int]struct{}{}
	for i := range evs {
		e := &evs[i]
		switch e.Type {
		case history.Invoke:
			open[e.Process] = i
			procs[e.Process] = struct{}{}
			s.Counts.Ops++
		case history.OK, history.Fail, history.Info:
			s.countCompletion(e)
			inv, ok := open[e.Process]
			if !ok {
				continue
			}
			delete(open, e.Process)
			s.latencyOf(&evs[inv], e)
			sc.add(&evs[inv], e)
		case history.Nemesis:
			s.Counts.Nemesis++
			nem = append(nem, *e)
		}
	}
	s.Counts.Processes = len(procs)
	s.Faults = faultWindows(nem, s.Counts.DurationNS)
	s.Staleness, s.Commits = sc.result()
	return s
}

func (s *stats) countCompletion(e *history.Event) {
	b := s.Throughput.bucket(e.Time)
	switch e.Type {
	case history.OK:
		s.Counts.OK++
		s.Throughput.OK[b]++
	case history.Fail:
		s.Counts.Fail++
		s.Throughput.Fail[b]++
	case history.Info:
		s.Counts.Info++
		s.Throughput.Info[b]++
	}
	s.Throughput.completionsTotal++
}

// latencyOf records the latency of each traced statement by who served
// it, or, for an op whose trace has no times, the op's own invoke to
// completion time under the server of its first statement. Synthesized
// info completions (the run ended) have no real latency and are skipped.
func (s *stats) latencyOf(inv, done *history.Event) {
	if done.Error == history.NoCompletionError {
		return
	}
	timed := false
	for i := range done.Trace {
		st := &done.Trace[i]
		if st.Start > 0 && st.End >= st.Start {
			l := serverLabel(st)
			s.Latency[l] = append(s.Latency[l], st.End-st.Start)
			timed = true
		}
	}
	if timed {
		return
	}
	l := labelUntraced
	if len(done.Trace) > 0 {
		l = serverLabel(&done.Trace[0])
	}
	if d := done.Time - inv.Time; d >= 0 {
		s.Latency[l] = append(s.Latency[l], d)
	}
}

func newThroughput(end int64) throughput {
	w := end/throughputBuckets + 1
	return throughput{
		Width: w, End: end,
		OK:   make([]int, throughputBuckets),
		Fail: make([]int, throughputBuckets),
		Info: make([]int, throughputBuckets),
	}
}

func (t *throughput) bucket(time int64) int {
	b := int(max(time, 0) / t.Width)
	return min(b, throughputBuckets-1)
}

// staleness is the chart of how many commits behind replica reads were.
type staleness struct {
	// Reads is the number of replica reads with a parsable bookmark.
	Reads int
	// Behind[i] counts reads that were stalenessEdges[i]..stalenessEdges[i+1]-1 commits behind.
	Behind []int
	Max    uint64
	// ByRegion is, per replica, reads and reads at least one commit behind.
	ByRegion map[string][2]int
}

// stalenessEdges are the lower bounds of the histogram's buckets: 0, 1, 2,
// 3–4, 5–8, … doubling, so a long tail stays readable.
var stalenessEdges = []uint64{0, 1, 2, 3, 5, 9, 17, 33, 65, 129, 257, 513, 1025}

func stalenessBucket(n uint64) int {
	i := sort.Search(len(stalenessEdges), func(i int) bool { return stalenessEdges[i] > n })
	return i - 1
}

// replicaRead is a read statement a replica served, with its op's
// invocation time (for a trace without statement times).
type replicaRead struct {
	st      *history.Statement
	invoked int64
	region  string
}

// staleCollector gathers the commits clients saw and the replica reads
// from traces. How many commits behind a read was is the checker's
// definition (checker.CommitIndex), so the chart and the anomaly sentences
// agree.
type staleCollector struct {
	commits checker.CommitIndex
	reads   []replicaRead
}

// add takes a completion e and its invoke.
func (c *staleCollector) add(inv, e *history.Event) {
	c.commits.Add(e.Trace, e.Time)
	for i := range e.Trace {
		st := &e.Trace[i]
		if st.BookmarkOut == "" || st.ServedByPrimary || !d1.ClassifySQL(st.SQL).Reads() {
			continue
		}
		if _, err := d1.ParseBookmark(st.BookmarkOut); err != nil {
			continue
		}
		region := st.ServedByRegion
		if region == "" {
			region = serverLabel(st)
		}
		c.reads = append(c.reads, replicaRead{st, inv.Time, region})
	}
}

func (c *staleCollector) result() (staleness, *checker.CommitIndex) {
	s := staleness{Behind: make([]int, len(stalenessEdges)), ByRegion: map[string][2]int{}}
	for _, r := range c.reads {
		behind := c.commits.Behind(r.st, r.invoked)
		s.Reads++
		s.Behind[stalenessBucket(behind)]++
		s.Max = max(s.Max, behind)
		reg := s.ByRegion[r.region]
		reg[0]++
		if behind > 0 {
			reg[1]++
		}
		s.ByRegion[r.region] = reg
	}
	return s, &c.commits
}

// staleRead reports whether a replica served one of e's reads behind the
// newest commit a client had seen when that read started; inv is e's
// invoke.
func staleRead(ci *checker.CommitIndex, inv, e *history.Event) bool {
	for i := range e.Trace {
		st := &e.Trace[i]
		if !st.ServedByPrimary && d1.ClassifySQL(st.SQL).Reads() && ci.Behind(st, inv.Time) > 0 {
			return true
		}
	}
	return false
}
