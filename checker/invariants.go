package checker

import (
	"fmt"
	"slices"
	"strings"

	"github.com/d1check/d1check/checker/model"
)

// checkInvariants checks what must hold whatever the interleaving, from
// the acknowledged ops and the final reads recorded on the primary after
// the traffic: one user per email, every acknowledged create present, a
// code accepted at most once, no acknowledged verify lost. A key with
// neither a final read nor an acknowledged write has nothing to check. The
// other models (register, compare-and-set, versioned) have no invariant:
// their keys are counted as not applicable, never as checked and valid.
func checkInvariants(ops []*Op) (CheckResult, []Anomaly) {
	var order []partitionKey
	by := map[partitionKey][]*Op{}
	notApplicable := map[partitionKey]bool{}
	for _, o := range ops {
		if !o.known() {
			continue
		}
		pk := keyOf(o)
		if !hasInvariants(pk.kind) {
			notApplicable[pk] = true
			continue
		}
		if _, ok := by[pk]; !ok {
			order = append(order, pk)
		}
		by[pk] = append(by[pk], o)
	}
	res := CheckResult{Name: CheckInvariants, Unit: "keys", NotApplicable: len(notApplicable)}
	if res.NotApplicable > 0 {
		res.Note = notApplicableNote(notApplicable)
	}
	tally := newVariantTally()
	var anomalies []Anomaly
	for _, pk := range order {
		var found []Anomaly
		switch pk.kind {
		case model.CreateOnce:
			found = userInvariants(pk, by[pk])
		case model.SingleUse:
			found = codeInvariants(pk, by[pk])
		}
		res.Checked++
		v := Valid
		if len(found) > 0 {
			v = Invalid
			res.Failed++
		}
		tally.add(pk.variant, v)
		anomalies = append(anomalies, found...)
	}
	res.Verdict = tally.verdict()
	res.Variants = tally.results()
	return res, anomalies
}

// hasInvariants reports whether the invariants check has rules for a
// model's keys.
func hasInvariants(k model.Kind) bool { return k == model.CreateOnce || k == model.SingleUse }

// notApplicableNote says which models' keys had no invariant. The count is
// CheckResult.NotApplicable's, so that merged results (soak's windows)
// keep one number.
func notApplicableNote(keys map[partitionKey]bool) string {
	var models []string
	for _, k := range model.Kinds {
		for pk := range keys {
			if pk.kind == k {
				models = append(models, k.String())
				break
			}
		}
	}
	return "not applicable to the keys of the " + strings.Join(models, ", ") + " model" + pluralInt(len(models)) +
		": no invariant is defined for them"
}

// invariant is an invariants anomaly; the last of ops is its subject.
func invariant(pk partitionKey, kind Kind, explanation string, ops ...*Op) Anomaly {
	return Anomaly{Kind: kind, Check: CheckInvariants, Events: eventsOf(ops...), Explanation: explanation,
		Blame: BlameOf(kind, CheckInvariants), Variant: pk.variant, Key: pk.key, subject: subjectOf(ops)}
}

func pick(ops []*Op, keep func(*Op) bool) []*Op {
	var out []*Op
	for _, o := range ops {
		if keep(o) {
			out = append(out, o)
		}
	}
	return out
}

// lastFinal is the final read that started last: the one after all
// traffic.
func lastFinal(ops []*Op) *Op {
	var f *Op
	for _, o := range ops {
		if f == nil || o.Call > f.Call {
			f = o
		}
	}
	return f
}

func userInvariants(pk partitionKey, ops []*Op) []Anomaly {
	made := pick(ops, func(o *Op) bool { return o.In.Action == model.GetOrCreate && o.Out.Created })
	final := lastFinal(pick(ops, func(o *Op) bool { return o.In.Action == model.List }))
	var out []Anomaly
	switch {
	case final != nil && len(final.Out.IDs) > 1:
		out = append(out, invariant(pk, DuplicateCreate, fmt.Sprintf(
			"the final read %s on the primary at %s found %d users for %s (ids %s)%s: one email must have one user",
			final.name(), ms(final.Return), len(final.Out.IDs), pk.key, joinIDs(final.Out.IDs), creators(made)), append([]*Op{final}, made...)...))
	case distinctIDs(made) > 1:
		out = append(out, invariant(pk, DuplicateCreate, fmt.Sprintf(
			"%d operations acknowledged creating a user for %s%s: one email must have one user",
			len(made), pk.key, creators(made)), made...))
	}
	if final == nil {
		return out
	}
	for _, c := range made {
		if c.precedes(final) && !slices.Contains(final.Out.IDs, c.Out.ID) {
			out = append(out, invariant(pk, LostWrite, fmt.Sprintf(
				"%s acknowledged creating user %d for %s at %s but the final read %s on the primary at %s found %s",
				c.name(), c.Out.ID, pk.key, ms(c.Return), final.name(), ms(final.Call), usersOf(final.Out.IDs)), c, final))
		}
	}
	return out
}

func distinctIDs(ops []*Op) int {
	ids := map[int64]bool{}
	for _, o := range ops {
		ids[o.Out.ID] = true
	}
	return len(ids)
}

func creators(made []*Op) string {
	if len(made) == 0 {
		return ""
	}
	s := "; acknowledged creates:"
	for i, c := range made {
		if i > 0 {
			s += ","
		}
		s += fmt.Sprintf(" user %d by %s at %s", c.Out.ID, c.ref(), ms(c.Return))
	}
	return s
}

func usersOf(ids []int64) string {
	if len(ids) == 0 {
		return "no user"
	}
	return "only user " + joinIDs(ids)
}

func codeInvariants(pk partitionKey, ops []*Op) []Anomaly {
	accepted := pick(ops, func(o *Op) bool { return o.In.Action == model.Verify && o.Out.Valid })
	issued := pick(ops, func(o *Op) bool { return o.In.Action == model.Issue })
	final := lastFinal(pick(ops, func(o *Op) bool { return o.In.Action == model.ReadCode }))
	var out []Anomaly
	if len(accepted) > 1 {
		a, b := accepted[0], accepted[1]
		out = append(out, invariant(pk, DoubleUse, fmt.Sprintf(
			"%d verifies accepted code %s, %s at %s and %s at %s: a code must be accepted at most once",
			len(accepted), pk.key, a.name(), ms(a.Return), b.name(), ms(b.Return)), accepted...))
	}
	if final == nil {
		return out
	}
	if v := firstBefore(accepted, final); v != nil && !final.Out.Used {
		out = append(out, invariant(pk, LostWrite, fmt.Sprintf(
			"%s accepted code %s at %s but the final read %s on the primary at %s found it unused",
			v.name(), pk.key, ms(v.Return), final.name(), ms(final.Call)), v, final))
	}
	if i := firstBefore(issued, final); i != nil && !final.Out.Issued {
		out = append(out, invariant(pk, LostWrite, fmt.Sprintf(
			"%s issued code %s at %s but the final read %s on the primary at %s found no such code",
			i.name(), pk.key, ms(i.Return), final.name(), ms(final.Call)), i, final))
	}
	return out
}
