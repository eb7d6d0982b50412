package selftest

import (
	"fmt"
	"slices"

	"github.com/d1check/d1check/checker"
	"github.com/d1check/d1check/history"
	"github.com/d1check/d1check/runner"
)

// maxExamples bounds the anomalies a control quotes.
const maxExamples = 3

// finalReads is the session the runner's final reads run under (a
// selftest run has no namespace).
const finalReads = runner.FinalSession

// score fills a cell from its runs.
func score(c *Cell, outs []outcome, opts Options) {
	c.Seeds, c.Found = len(outs), map[checker.Kind]int{}
	for i, o := range outs {
		kinds := map[checker.Kind]bool{}
		for _, a := range o.res.Anomalies {
			kinds[a.Kind] = true
		}
		for k := range kinds {
			c.Found[k]++
		}
		proof := matching(o.res, c.Check, c.Kinds)
		if len(proof) == 0 {
			c.Missed = append(c.Missed, opts.FirstSeed+int64(i))
			continue
		}
		c.Detected++
		c.OpsNeeded = max(c.OpsNeeded, opsNeeded(o.h, proof))
	}
}

// judge fills a control from its runs: a run alarms when it reports an
// anomaly the control forbids, or cannot decide.
func judge(c *Control, outs []outcome, opts Options) {
	c.Seeds = len(outs)
	for i, o := range outs {
		bad := matching(o.res, c.Check, c.Kinds)
		unknown := o.res.Verdict == checker.Unknown
		if len(bad) == 0 && !unknown {
			continue
		}
		c.Alarms++
		if len(c.Examples) >= maxExamples {
			continue
		}
		seed := opts.FirstSeed + int64(i)
		if unknown {
			c.Examples = append(c.Examples, fmt.Sprintf("seed %d", seed)+": verdict unknown")
			continue
		}
		c.Examples = append(c.Examples, fmt.Sprintf("seed %d", seed)+": "+string(bad[0].Kind)+": "+bad[0].Explanation)
	}
}

// matching is res's anomalies from check (any when "") of kinds (any when
// empty).
func matching(res *checker.Result, check string, kinds []checker.Kind) []checker.Anomaly {
	var out []checker.Anomaly
	for _, a := range res.Anomalies {
		if (check == "" || a.Check == check) && (len(kinds) == 0 || slices.Contains(kinds, a.Kind)) {
			out = append(out, a)
		}
	}
	return out
}

// opsNeeded is how many client ops a run needed to prove one of proofs:
// for each, the client invokes up to its last event (the proof lies
// entirely within that prefix of the history), and the least of those.
// Final reads are not client ops; a proof that needs one counts every
// client op.
func opsNeeded(h *history.History, proofs []checker.Anomaly) int {
	invokes := make([]int, len(h.Events)+1) // client invokes among events [0, i)
	for i, e := range h.Events {
		invokes[i+1] = invokes[i]
		if e.Type == history.Invoke && e.Session != finalReads {
			invokes[i+1]++
		}
	}
	best := -1
	for _, a := range proofs {
		last := slices.Max(append([]int{0}, a.Events...))
		if last >= len(h.Events) {
			last = len(h.Events) - 1
		}
		if n := invokes[last+1]; best < 0 || n < best {
			best = n
		}
	}
	return max(best, 0)
}
