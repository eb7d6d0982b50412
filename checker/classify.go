package checker

import (
	"fmt"
	"strings"
	"time"

	"github.com/anishathalye/porcupine"

	"github.com/d1check/d1check/checker/model"
	"github.com/d1check/d1check/history"
	"github.com/d1check/d1check/opspec"
)

// classify names what went wrong in a partition porcupine rejected, from
// the partition's own events, so the report can say more than "not
// linearizable". It always returns at least one anomaly: when no known
// pattern fits, a non-linearizable one.
func classify(p *partition, ci *CommitIndex, m porcupine.Model, deadline time.Time) []Anomaly {
	var found []Anomaly
	switch p.kind {
	case model.CreateOnce:
		found = classifyCreateOnce(p, ci)
	case model.SingleUse:
		found = classifySingleUse(p, ci)
	case model.Register:
		found = classifyRegister(p, ci)
	case model.CompareAndSet:
		found = classifyCompareAndSet(p, ci)
	case model.VersionedKind:
		found = neverWritten(p, ci)
	case model.SetKind:
		found = classifySet(p, ci)
	}
	if len(found) == 0 {
		if a, ok := stuck(p, m, deadline); ok {
			return []Anomaly{a}
		}
		found = []Anomaly{p.anomaly(NonLinearizable, fmt.Sprintf(
			"porcupine found no order of the %d operations on %s %q%s between %s and %s that both respects their real-time order and is a legal %s history, and ran out of time before it could say which op none explains; see the visualization",
			len(p.ops), p.noun(), p.key, variantOf(p.variant), ms(p.ops[0].Call), ms(p.lastReturn()), p.kind), p.ops...)}
	}
	return found
}

// lastReturn is the latest known completion time in the partition.
func (p *partition) lastReturn() int64 {
	var t int64
	for _, o := range p.ops {
		t = max(t, o.Return)
	}
	return t
}

func (p *partition) noun() string {
	if len(p.ops) > 0 {
		return p.ops[0].spec.noun
	}
	return "key"
}

// anomaly is a linearizability anomaly; the last of ops is its subject,
// the op whose result it contradicts.
func (p *partition) anomaly(kind Kind, explanation string, ops ...*Op) Anomaly {
	return Anomaly{
		Kind: kind, Check: CheckLinearizability, Events: eventsOf(ops...),
		Explanation: explanation, Blame: BlameOf(kind, CheckLinearizability), Variant: p.variant, Key: p.key,
		subject: subjectOf(ops),
	}
}

// subjectOf is the completion index of the last op, -1 for none.
func subjectOf(ops []*Op) int {
	if len(ops) == 0 || ops[len(ops)-1].Complete < 0 {
		return -1
	}
	return ops[len(ops)-1].Complete
}

// oks is the partition's ops whose output is known, by action.
func (p *partition) oks(actions ...model.Action) []*Op {
	var out []*Op
	for _, o := range p.ops {
		if o.Type != history.OK {
			continue
		}
		for _, a := range actions {
			if o.In.Action == a {
				out = append(out, o)
				break
			}
		}
	}
	return out
}

// before reports whether a certainly happened before b: a succeeded and
// returned before b was invoked (Op.precedes).
func before(a, b *Op) bool {
	return a.Type == history.OK && a.precedes(b)
}

// twoOps phrases two ops that did the same thing, in order.
func twoOps(a, b *Op, did string) string {
	if before(a, b) {
		return fmt.Sprintf("%s %s at %s although %s had already %s at %s", b.name(), did, ms(b.Return), a.name(), did, ms(a.Return))
	}
	return fmt.Sprintf("%s and %s both %s, in overlapping calls (%s–%s and %s–%s)", a.name(), b.name(), did, ms(a.Call), ms(a.Return), ms(b.Call), ms(b.Return))
}

func idsOf(o *Op) []int64 {
	switch {
	case o.In.Action == model.List:
		return o.Out.IDs
	case o.In.Action == model.Get && !o.Out.Found:
		return nil
	}
	return []int64{o.Out.ID}
}

func classifyCreateOnce(p *partition, ci *CommitIndex) []Anomaly {
	if a, ok := duplicateCreate(p, ci); ok {
		return []Anomaly{a}
	}
	// A read that found nothing after a user certainly existed.
	for _, r := range p.oks(model.Get, model.List) {
		if len(idsOf(r)) > 0 {
			continue
		}
		for _, w := range p.oks(model.GetOrCreate, model.Get, model.List) {
			if ids := idsOf(w); len(ids) > 0 && before(w, r) {
				t := when(r.Call, r.Return, w.Return)
				return []Anomaly{p.anomaly(StaleRead, fmt.Sprintf(
					"%s, invoked at %s, returned no user for %s at %s although %s had returned user %d at %s%s",
					r.name(), t[0], p.key, t[1], w.name(), ids[0], t[2], ci.served(r)), w, r)}
			}
		}
	}
	return nil
}

func duplicateCreate(p *partition, ci *CommitIndex) (Anomaly, bool) {
	seen := map[int64]*Op{} // each id with the first op that returned it
	var order []int64
	for _, o := range p.oks(model.GetOrCreate, model.Get, model.List) {
		for _, id := range idsOf(o) {
			if _, ok := seen[id]; !ok {
				seen[id] = o
				order = append(order, id)
			}
		}
	}
	if len(order) < 2 {
		return Anomaly{}, false
	}
	var made []*Op
	for _, c := range p.oks(model.GetOrCreate) {
		if c.Out.Created {
			made = append(made, c)
		}
	}
	for i, a := range made {
		for _, b := range made[i+1:] {
			if a.Out.ID != b.Out.ID {
				return p.anomaly(DuplicateCreate, twoOps(a, b, "created a user for "+p.key)+
					fmt.Sprintf(" (users %d and %d)", a.Out.ID, b.Out.ID)+ci.served(b), a, b), true
			}
		}
	}
	// At most one acknowledged create, yet two users: find the read that
	// shows the one nobody acknowledged.
	var acked *Op
	if len(made) > 0 {
		acked = made[0]
	}
	for _, r := range p.oks(model.Get, model.List, model.GetOrCreate) {
		ids := idsOf(r)
		if len(ids) < 2 && (acked == nil || len(ids) == 0 || ids[0] == acked.Out.ID) {
			continue
		}
		ops := []*Op{r}
		var b strings.Builder
		fmt.Fprintf(&b, "%s returned user%s %s for %s at %s", r.name(), pluralInt(len(ids)), joinIDs(ids), p.key, ms(r.Return))
		if acked != nil {
			ops = append(ops, acked)
			fmt.Fprintf(&b, " although %s had created user %d at %s and no other create was acknowledged", acked.name(), acked.Out.ID, ms(acked.Return))
		} else {
			b.WriteString(" although no create was acknowledged")
		}
		if in := p.infoOf(model.GetOrCreate); len(in) > 0 {
			ops = append(ops, in...)
			fmt.Fprintf(&b, ": the extra user can only come from %s, whose outcome was unknown (%s)", refs(in), errorOf(in[0]))
		}
		return p.anomaly(DuplicateCreate, b.String()+ci.served(r), ops...), true
	}
	a, b := seen[order[0]], seen[order[1]]
	return p.anomaly(DuplicateCreate, fmt.Sprintf("%s returned user %d for %s at %s but %s returned user %d at %s: one email, two users",
		a.name(), order[0], p.key, ms(a.Return), b.name(), order[1], ms(b.Return))+ci.served(b), a, b), true
}

func pluralInt(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// infoOf is the partition's indeterminate ops of an action.
func (p *partition) infoOf(a model.Action) []*Op {
	var out []*Op
	for _, o := range p.ops {
		if o.Type == history.Info && o.In.Action == a {
			out = append(out, o)
		}
	}
	return out
}

func refs(ops []*Op) string {
	s := make([]string, len(ops))
	for i, o := range ops {
		s[i] = o.name()
	}
	return strings.Join(s, " or ")
}

func errorOf(o *Op) string {
	if e := o.Err; e != "" {
		return e
	}
	return "no completion"
}

func joinIDs(ids []int64) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = fmt.Sprint(id)
	}
	return strings.Join(s, ", ")
}

func classifySingleUse(p *partition, ci *CommitIndex) []Anomaly {
	var accepted []*Op
	for _, v := range p.oks(model.Verify) {
		if v.Out.Valid {
			accepted = append(accepted, v)
		}
	}
	if len(accepted) >= 2 {
		a, b := accepted[0], accepted[1]
		return []Anomaly{p.anomaly(DoubleUse, twoOps(a, b, "accepted code "+p.key)+
			", and a code can be used only once"+ci.served(b), a, b)}
	}
	issues := p.oks(model.Issue)
	for _, r := range p.oks(model.Verify) {
		if r.Out.Valid {
			continue
		}
		iss := firstBefore(issues, r)
		if iss == nil || p.mayHaveUsed(r) {
			continue
		}
		t := when(r.Call, r.Return, iss.Return)
		return []Anomaly{p.anomaly(FalseReject, fmt.Sprintf(
			"%s, invoked at %s, returned valid=false for %s at %s although %s had completed at %s and no other verify could have used the code%s",
			r.name(), t[0], p.key, t[1], iss.name(), t[2], ci.served(r)), iss, r)}
	}
	for _, r := range p.oks(model.ReadCode) {
		if iss := firstBefore(issues, r); !r.Out.Issued && iss != nil {
			t := when(r.Call, r.Return, iss.Return)
			return []Anomaly{p.anomaly(StaleRead, fmt.Sprintf(
				"%s, invoked at %s, read %s as not issued at %s although %s had completed at %s%s",
				r.name(), t[0], p.key, t[1], iss.name(), t[2], ci.served(r)), iss, r)}
		}
		if v := firstBefore(accepted, r); !r.Out.Used && v != nil {
			t := when(r.Call, r.Return, v.Return)
			return []Anomaly{p.anomaly(StaleRead, fmt.Sprintf(
				"%s, invoked at %s, read %s as unused at %s although %s had accepted it at %s%s",
				r.name(), t[0], p.key, t[1], v.name(), t[2], ci.served(r)), v, r)}
		}
	}
	return nil
}

// firstBefore is the first of ops that certainly happened before r.
func firstBefore(ops []*Op, r *Op) *Op {
	for _, o := range ops {
		if before(o, r) {
			return o
		}
	}
	return nil
}

// mayHaveUsed reports whether a verify other than r, accepted or
// indeterminate, may have taken effect before r did.
func (p *partition) mayHaveUsed(r *Op) bool {
	for _, o := range p.ops {
		if o != r && o.In.Action == model.Verify && (o.Type == history.Info || o.Out.Valid) && !r.precedes(o) {
			return true
		}
	}
	return false
}

func classifyRegister(p *partition, ci *CommitIndex) []Anomaly {
	writes := p.oks(model.Write)
	for _, r := range p.oks(model.Read) {
		for _, w2 := range writes {
			if !before(w2, r) || w2.In.Value == r.Out.Value || !p.overwrote(w2, r.Out.Value, r) {
				continue
			}
			if r.spec.shape == opspec.ReadSession {
				return []Anomaly{p.anomaly(StaleRead, staleSession(w2, r)+ci.served(r), w2, r)}
			}
			t := when(r.Call, r.Return, w2.Return)
			return []Anomaly{p.anomaly(StaleRead, fmt.Sprintf(
				"%s, invoked at %s, returned %s for %s at %s although %s had written %s at %s, after every write of %s had completed%s",
				r.name(), t[0], shown(r.Out.Value), p.key, t[1], w2.name(), shown(w2.In.Value), t[2], shown(r.Out.Value), ci.served(r)), w2, r)}
		}
	}
	return nil
}

// overwrote reports whether w certainly replaced value for the read r:
// every op that may have written value before r returned (and the initial
// state, for an unset value) finished before w was invoked. A write of
// value invoked after r returned cannot explain r: a session deleted after
// a stale read does not excuse it.
func (p *partition) overwrote(w *Op, value string, r *Op) bool {
	for _, o := range p.ops {
		if o.In.Action == model.Write && o.In.Value == value && !r.precedes(o) && !before(o, w) {
			return false
		}
	}
	return true
}
