package shrink

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/d1check/d1check/checker"
	"github.com/d1check/d1check/scenarios"
)

// Outcome is what one run showed, as far as the search cares.
type Outcome struct {
	Verdict checker.Verdict
	// Kinds are the distinct anomaly kinds, sorted; Count is every anomaly
	// the checks found, PerKind the ones of each kind the result kept.
	Kinds   []checker.Kind
	Count   int
	PerKind map[checker.Kind]int
}

// shows reports whether o is invalid with every kind of want.
func (o Outcome) shows(want []checker.Kind) bool {
	if o.Verdict != checker.Invalid {
		return false
	}
	for _, k := range want {
		if !slices.Contains(o.Kinds, k) {
			return false
		}
	}
	return true
}

func (o Outcome) String() string {
	if len(o.Kinds) == 0 {
		return string(o.Verdict)
	}
	parts := make([]string, len(o.Kinds))
	for i, k := range o.Kinds {
		parts[i] = fmt.Sprintf("%s ×%d", k, o.PerKind[k])
	}
	return fmt.Sprintf("%s, %s", o.Verdict, strings.Join(parts, ", "))
}

// outcomeOf reduces a checked run to an Outcome.
func outcomeOf(res *checker.Result) Outcome {
	o := Outcome{Verdict: res.Verdict, PerKind: map[checker.Kind]int{}}
	for _, c := range res.Checks {
		o.Count += c.Anomalies
	}
	for _, a := range res.Anomalies {
		if o.PerKind[a.Kind] == 0 {
			o.Kinds = append(o.Kinds, a.Kind)
		}
		o.PerKind[a.Kind]++
	}
	slices.Sort(o.Kinds)
	return o
}

// tryFunc runs a scenario and says what it showed.
type tryFunc func(ctx context.Context, s *scenarios.Scenario) (Outcome, error)

// errBudget stops the search when the run or time budget is spent.
var errBudget = errors.New("budget spent")

// searcher holds one search's state: the target, the budget, the cache.
type searcher struct {
	ctx      context.Context
	try      tryFunc
	want     []checker.Kind
	maxRuns  int
	deadline time.Time
	now      func() time.Time
	log      io.Writer

	runs    int
	cache   map[string]Outcome
	changes []Change
}

// Change is one step the search took: a dimension from one value to a
// smaller one.
type Change struct {
	Dimension, From, To string
}

// run tries s (described by what) unless it was tried already, within
// the budget.
func (sr *searcher) run(s *scenarios.Scenario, what string) (Outcome, error) {
	key := cacheKey(s)
	if o, ok := sr.cache[key]; ok {
		return o, nil
	}
	if err := sr.ctx.Err(); err != nil {
		return Outcome{}, err
	}
	if sr.runs >= sr.maxRuns {
		return Outcome{}, fmt.Errorf("%w: %d runs", errBudget, sr.maxRuns)
	}
	if !sr.deadline.IsZero() && !sr.now().Before(sr.deadline) {
		return Outcome{}, fmt.Errorf("%w: out of time", errBudget)
	}
	sr.runs++
	start := sr.now()
	o, err := sr.try(sr.ctx, s)
	if err != nil {
		return Outcome{}, fmt.Errorf("run %d (%s): %w", sr.runs, what, err)
	}
	sr.cache[key] = o
	verdict := "no"
	if o.shows(sr.want) {
		verdict = "kept"
	}
	fmt.Fprintf(sr.log, "shrink: run %d: %s: %s — %s (%s)\n", sr.runs, what, o, verdict, sr.now().Sub(start).Round(time.Millisecond))
	return o, nil
}

// keeps reports whether s still shows the target kinds.
func (sr *searcher) keeps(s *scenarios.Scenario, what string) (bool, error) {
	o, err := sr.run(s, what)
	return o.shows(sr.want), err
}

// cacheKey identifies a run: the scenario without what does not change
// the run (its name, file and expectation).
func cacheKey(s *scenarios.Scenario) string {
	c := *s
	c.Name, c.File, c.Expect = "", "", nil
	b, err := json.Marshal(c)
	if err != nil {
		panic(err) // a Scenario always marshals
	}
	return string(b)
}

// search shrinks s, which shows the target, dimension by dimension until a
// whole pass changes nothing. It returns the smallest scenario found and,
// when the budget stopped it early, why (errBudget wrapped); any other
// error aborts the search.
func (sr *searcher) search(s *scenarios.Scenario, dims []dimension) (*scenarios.Scenario, error) {
	best := s
	for {
		before := cacheKey(best)
		for _, d := range dims {
			next, err := d.shrink(sr, best)
			best = next
			if err != nil {
				return best, err
			}
		}
		if cacheKey(best) == before {
			return best, nil
		}
	}
}

// dimension is one way to make a scenario smaller.
type dimension interface {
	// shrink returns the smallest scenario it found that still shows the
	// target, s itself when none; on an error, the best found so far.
	shrink(sr *searcher, s *scenarios.Scenario) (*scenarios.Scenario, error)
}

// number is a dimension with an integer size: its value, the least it may
// be, and the scenario with another value.
type number struct {
	name string
	min  int
	get  func(*scenarios.Scenario) int
	with func(*scenarios.Scenario, int) *scenarios.Scenario
	// show prints a value; nil prints the integer.
	show func(int) string
}

func (n number) String(v int) string {
	if n.show != nil {
		return n.show(v)
	}
	return fmt.Sprint(v)
}

// shrink tries the two least values (a race of two clients, two ops, is
// the smallest there is), then bisects between the largest value known
// not to keep the target and the smallest known to keep it. It ends on a
// value that keeps the target while the one below it does not.
func (n number) shrink(sr *searcher, s *scenarios.Scenario) (*scenarios.Scenario, error) {
	cur := n.get(s)
	if cur <= n.min {
		return s, nil
	}
	best, hi, lo := s, cur, n.min-1
	for i := 0; hi-lo > 1; i++ {
		v := lo + (hi-lo)/2
		if i < 2 {
			v = n.min + i
		}
		c := n.with(s, v)
		ok, err := sr.keeps(c, fmt.Sprintf("%s %s→%s", n.name, n.String(cur), n.String(v)))
		if err != nil {
			return sr.settle(n.name, s, best, n.String(cur), n.String(hi)), err
		}
		if ok {
			best, hi = c, v
		} else {
			lo = v
		}
	}
	return sr.settle(n.name, s, best, n.String(cur), n.String(hi)), nil
}

// settle records a dimension's change from s to best, if any.
func (sr *searcher) settle(name string, s, best *scenarios.Scenario, from, to string) *scenarios.Scenario {
	if best != s {
		sr.changes = append(sr.changes, Change{Dimension: name, From: from, To: to})
	}
	return best
}

// list is a dimension made of elements that can be dropped one at a time.
type list struct {
	name string
	// keep is how many elements must stay (a scenario needs a variant).
	keep    int
	items   func(*scenarios.Scenario) []string
	without func(*scenarios.Scenario, int) *scenarios.Scenario
}

// shrink drops each element in turn, keeping every drop that keeps the
// target.
func (l list) shrink(sr *searcher, s *scenarios.Scenario) (*scenarios.Scenario, error) {
	best := s
	for i := 0; i < len(l.items(best)) && len(l.items(best)) > l.keep; {
		item := l.items(best)[i]
		c := l.without(best, i)
		ok, err := sr.keeps(c, fmt.Sprintf("%s without %s", l.name, item))
		if err != nil {
			return best, err
		}
		if ok {
			sr.changes = append(sr.changes, Change{Dimension: l.name, From: item, To: "dropped"})
			best = c
		} else {
			i++
		}
	}
	return best, nil
}

// choice is a dimension with a few simpler alternatives to the current
// value, tried in order; the first that keeps the target wins.
type choice struct {
	name         string
	alternatives func(*scenarios.Scenario) (from string, to []string, with []*scenarios.Scenario)
}

func (c choice) shrink(sr *searcher, s *scenarios.Scenario) (*scenarios.Scenario, error) {
	from, to, with := c.alternatives(s)
	for i, alt := range with {
		ok, err := sr.keeps(alt, fmt.Sprintf("%s %s→%s", c.name, from, to[i]))
		if err != nil {
			return s, err
		}
		if ok {
			sr.changes = append(sr.changes, Change{Dimension: c.name, From: from, To: to[i]})
			return alt, nil
		}
	}
	return s, nil
}
