package checker

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/anishathalye/porcupine"
)

// stuck explains a rejected partition that no known pattern fits, from
// porcupine's longest legal order of its ops: the state that order leaves
// the key in, and the op that can come next only by returning something
// else. That is the proof in one sentence: every op the order leaves out
// is either after that op in real time or impossible in that state too.
// ok is false when porcupine found no order to quote (it ran out of time).
func stuck(p *partition, m porcupine.Model, deadline time.Time) (Anomaly, bool) {
	left, ok := remaining(deadline)
	if !ok {
		return Anomaly{}, false
	}
	ops := p.operations(false)
	_, info := porcupine.CheckOperationsVerbose(m, ops, left)
	partials := info.PartialLinearizations()
	if len(partials) != 1 {
		return Anomaly{}, false
	}
	var order []int
	for _, l := range partials[0] {
		if len(l) > len(order) {
			order = l
		}
	}
	state := m.Init()
	for _, i := range order {
		legal, next := m.Step(state, ops[i].Input, ops[i].Output)
		if !legal {
			return Anomaly{}, false // not porcupine's order after all
		}
		state = next
	}
	placed := make([]bool, len(ops))
	for _, i := range order {
		placed[i] = true
	}
	// The ops that could come next: no op left out returned before they
	// were invoked. Each of them is illegal in state, or porcupine would
	// have placed it.
	var next []int
	for i := range ops {
		if placed[i] {
			continue
		}
		first := true
		for j := range ops {
			if !placed[j] && j != i && ops[j].Return < ops[i].Call {
				first = false
				break
			}
		}
		if first {
			next = append(next, i)
		}
	}
	if len(next) == 0 {
		return Anomaly{}, false
	}
	slices.SortFunc(next, func(a, b int) int { return int(p.ops[a].Call - p.ops[b].Call) })
	o := p.ops[next[0]]
	t := when(o.Call, o.Return)
	var b strings.Builder
	fmt.Fprintf(&b, "no order of the %d operation%s on %s %s%s explains them all: ", len(p.ops), pluralInt(len(p.ops)), p.noun(), p.key, variantOf(p.variant))
	if len(order) == 0 {
		fmt.Fprintf(&b, "from the initial state (%s), ", m.DescribeState(state))
	} else {
		fmt.Fprintf(&b, "the longest legal order porcupine found, %s, leaves the %s state at %s, where ", orderOf(p, order), p.kind, m.DescribeState(state))
	}
	fmt.Fprintf(&b, "%s, invoked at %s and completed at %s, which did %s, is impossible", o.name(), t[0], t[1], m.DescribeOperation(ops[next[0]].Input, ops[next[0]].Output))
	if len(next) > 1 {
		others := make([]string, 0, len(next)-1)
		for _, i := range next[1:] {
			others = append(others, p.ops[i].ref())
		}
		fmt.Fprintf(&b, ", as is what %s, the other ops that could come next, did", strings.Join(others, " and "))
	}
	var involved []*Op
	if len(order) > 0 {
		involved = append(involved, p.ops[order[len(order)-1]])
	}
	involved = append(involved, o) // the subject last
	return p.anomaly(NonLinearizable, b.String(), involved...), true
}

// orderOf names the ops of an order, eliding the middle of a long one.
func orderOf(p *partition, order []int) string {
	names := make([]string, len(order))
	for k, i := range order {
		names[k] = p.ops[i].ref()
	}
	if len(names) > 6 {
		names = append(append(names[:2:2], fmt.Sprintf("… (%d more)", len(names)-4)), names[len(names)-2:]...)
	}
	return strings.Join(names, ", ")
}
