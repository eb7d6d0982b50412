package checker

import (
	"fmt"
	"slices"

	"github.com/d1check/d1check/checker/model"
	"github.com/d1check/d1check/d1"
	"github.com/d1check/d1check/history"
)

// checkSessions checks D1's promises within each session: at the value
// level (read-your-writes and monotonic reads, from what the session's own
// ops wrote and read) and at the bookmark level (from traces). A stale read
// across sessions is not a violation here: D1 promises nothing across
// sessions, and the linearizability check reports it.
func checkSessions(ops []*Op, ci *CommitIndex) (CheckResult, []Anomaly) {
	ids, by := sessions(ops)
	keys := newKeyIndex(ops)
	res := CheckResult{Name: CheckSessionGuarantees, Unit: "sessions", Checked: len(ids)}
	tally := newVariantTally()
	var anomalies []Anomaly
	for _, id := range ids {
		found := checkSessionValues(by[id], keys, ci)
		found = append(found, checkSessionBookmarks(by[id])...)
		v := Valid
		if len(found) > 0 {
			v = Invalid
			res.Failed++
		}
		tally.add(by[id][0].Variant, v)
		anomalies = append(anomalies, found...)
	}
	res.Verdict = tally.verdict()
	res.Variants = tally.results()
	return res, anomalies
}

// keyIndex is every op of each partition key, for the facts a session
// check needs from outside the session: who else wrote a value, who else
// may have used a code.
type keyIndex map[partitionKey][]*Op

func newKeyIndex(ops []*Op) keyIndex {
	k := keyIndex{}
	for _, o := range ops {
		if o.Type == history.Fail {
			continue
		}
		pk := partitionKey{o.Model(), o.Variant, o.Key}
		k[pk] = append(k[pk], o)
	}
	return k
}

func keyOf(o *Op) partitionKey { return partitionKey{o.Model(), o.Variant, o.Key} }

// seen is what one session knows about one key: the latest op (by
// completion) that established each fact, and whether it was the
// session's own write. A later read contradicting a fact went back in
// time: read-your-writes when the fact was the session's own write,
// monotonic reads otherwise.
type seen struct {
	present, issued, used, value *Op
	floor                        *Op // versioned: the op that showed the newest version
	// set: each element the session added or saw, with the op that
	// established it.
	elements map[string]*Op
}

func own(k *Op) bool {
	switch k.In.Action {
	case model.GetOrCreate:
		return k.Out.Created
	case model.Issue, model.Verify, model.Write, model.Advance, model.SetAdd, model.SetAddRead:
		return true
	}
	return false
}

func learn(s *seen, k *Op) {
	switch k.In.Action {
	case model.GetOrCreate, model.Get, model.List:
		if len(idsOf(k)) > 0 {
			s.present = k
		}
	case model.Issue:
		s.issued = k
	case model.Verify:
		if k.Out.Valid {
			s.issued, s.used = k, k
		}
	case model.ReadCode:
		if k.Out.Issued {
			s.issued = k
		}
		if k.Out.Used {
			s.used = k
		}
	case model.Write, model.Read:
		s.value = k
	case model.Advance, model.Observe:
		if s.floor == nil || floorOf(k) > floorOf(s.floor) {
			s.floor = k
		}
	case model.SetAdd, model.SetRead, model.SetAddRead:
		if s.elements == nil {
			s.elements = map[string]*Op{}
		}
		for _, e := range k.Out.Elements {
			if s.elements[e] == nil {
				s.elements[e] = k
			}
		}
		if k.In.Action != model.SetRead {
			s.elements[k.In.Value] = k // the session's own add wins: read-your-writes
		}
	}
}

func checkSessionValues(ops []*Op, keys keyIndex, ci *CommitIndex) []Anomaly {
	facts := map[partitionKey]*seen{}
	var out []Anomaly
	inSessionOrder(ops,
		func(k *Op) {
			pk := keyOf(k)
			if facts[pk] == nil {
				facts[pk] = &seen{}
			}
			learn(facts[pk], k)
		},
		func(r *Op) {
			s := facts[keyOf(r)]
			if s == nil {
				return
			}
			if k, what := wentBack(s, r, keys[keyOf(r)]); k != nil {
				out = append(out, sessionAnomaly(k, r, what, ci))
			}
		})
	return out
}

// wentBack returns the fact r contradicts, if any, and what r returned.
func wentBack(s *seen, r *Op, key []*Op) (*Op, string) {
	switch r.In.Action {
	case model.Get, model.List:
		if s.present != nil && len(idsOf(r)) == 0 {
			return s.present, "returned no user for " + r.Key
		}
	case model.GetOrCreate:
		if s.present != nil && r.Out.Created {
			return s.present, fmt.Sprintf("found no user for %s and created user %d", r.Key, r.Out.ID)
		}
	case model.Verify:
		if s.used != nil && r.Out.Valid {
			return s.used, "accepted code " + r.Key + " again"
		}
		if s.issued != nil && s.used == nil && !r.Out.Valid && !othersMayUse(key, r) {
			return s.issued, "returned valid=false for code " + r.Key
		}
	case model.ReadCode:
		if s.used != nil && !r.Out.Used {
			return s.used, "read code " + r.Key + " as unused"
		}
		if s.issued != nil && !r.Out.Issued {
			return s.issued, "read code " + r.Key + " as not issued"
		}
	case model.Read:
		if s.value != nil && olderValue(key, valueOf(s.value), r.Out.Value, s.value) {
			return s.value, fmt.Sprintf("returned %s for %s", shown(r.Out.Value), r.Key)
		}
	case model.Observe:
		if s.floor != nil && wentBelow(r, floorOf(s.floor)) {
			return s.floor, "read " + r.spec.noun + " " + r.Key + " at " + versionRead(r)
		}
	case model.SetRead, model.SetAddRead:
		missed := make([]string, 0, len(s.elements))
		for e := range s.elements {
			if !shows(r, e) {
				missed = append(missed, e)
			}
		}
		if len(missed) > 0 {
			slices.Sort(missed)
			return s.elements[missed[0]], fmt.Sprintf("returned %s for %s, without %s", showSet(r.Out.Elements), r.Key, missed[0])
		}
	}
	return nil, ""
}

// othersMayUse reports whether a verify other than r, accepted or
// indeterminate, was invoked before r returned: it may have used the code.
func othersMayUse(key []*Op, r *Op) bool {
	for _, o := range key {
		if o != r && o.In.Action == model.Verify && (o.Type == history.Info || o.Out.Valid) && !r.precedes(o) {
			return true
		}
	}
	return false
}

func valueOf(o *Op) string {
	if o.In.Action == model.Write {
		return o.In.Value
	}
	return o.Out.Value
}

// olderValue reports whether got is certainly older than want, which the
// session learnt from k: every write that may have produced got (or the
// initial state, for an unset register) had completed before every write
// that may have produced want was invoked, and at least one such write of
// want exists.
func olderValue(key []*Op, want, got string, k *Op) bool {
	if got == want {
		return false
	}
	var wantWrites, gotWrites []*Op
	for _, o := range key {
		if o.In.Action != model.Write {
			continue
		}
		switch o.In.Value {
		case want:
			wantWrites = append(wantWrites, o)
		case got:
			gotWrites = append(gotWrites, o)
		}
	}
	if k.In.Action == model.Write {
		wantWrites = []*Op{k}
	} else {
		// What k read was written by a write invoked before k returned, or,
		// for an unset register, it is the initial state, which is older
		// than every write, as long as no write had completed before k was
		// invoked. (Found by a 30-minute soak: a logout invoked after a
		// session read "no session" made a later read of the login look
		// like going back.)
		wantWrites = slices.DeleteFunc(wantWrites, func(o *Op) bool { return k.precedes(o) })
		if want == model.Unset && !slices.ContainsFunc(key, func(o *Op) bool { return o.In.Action == model.Write && before(o, k) }) {
			return false
		}
	}
	if len(wantWrites) == 0 || (len(gotWrites) == 0 && got != model.Unset) {
		return false // a value nobody wrote: linearizability reports it
	}
	for _, g := range gotWrites {
		for _, w := range wantWrites {
			if !before(g, w) {
				return false
			}
		}
	}
	return true
}

func sessionAnomaly(k, r *Op, what string, ci *CommitIndex) Anomaly {
	kind, guarantee := MonotonicRead, "monotonic reads"
	if own(k) {
		kind, guarantee = ReadYourWrites, "read-your-writes"
	}
	if why, broken := chainBroken(k, r); broken {
		return Anomaly{
			Kind: kind, Check: CheckSessionGuarantees, Events: eventsOf(k, r), Blame: BlameApplication,
			Variant: r.Variant, Key: r.Key, Session: r.Session, subject: r.Complete,
			Explanation: fmt.Sprintf("%s in session %s %s at %s although the same browser's %s had %s at %s; D1 kept its promise, the app broke the bookmark chain: %s%s",
				r.name(), r.Session, what, ms(r.Return), k.name(), established(k), ms(k.Return), why, ci.served(r)),
		}
	}
	return Anomaly{
		Kind: kind, Check: CheckSessionGuarantees, Events: eventsOf(k, r), Blame: BlameOf(kind, CheckSessionGuarantees),
		Variant: r.Variant, Key: r.Key, Session: r.Session, subject: r.Complete,
		Explanation: fmt.Sprintf("%s in session %s %s at %s although the same session's %s had %s at %s, so D1 broke %s%s",
			r.name(), r.Session, what, ms(r.Return), k.name(), established(k), ms(k.Return), guarantee, ci.served(r)),
	}
}

// established says what fact k gave its session.
func established(k *Op) string {
	switch k.In.Action {
	case model.GetOrCreate:
		if k.Out.Created {
			return fmt.Sprintf("created user %d", k.Out.ID)
		}
		return fmt.Sprintf("returned user %d", k.Out.ID)
	case model.Get, model.List:
		return fmt.Sprintf("returned user %s", joinIDs(idsOf(k)))
	case model.Issue:
		return "issued the code"
	case model.Verify:
		return "accepted the code"
	case model.ReadCode:
		return fmt.Sprintf("read it as issued=%t used=%t", k.Out.Issued, k.Out.Used)
	case model.Write:
		return "written " + shown(k.In.Value)
	case model.Read:
		return "read " + shown(k.Out.Value)
	case model.Advance:
		return fmt.Sprintf("written version %d", k.In.Version)
	case model.Observe:
		return "read " + versionRead(k)
	case model.SetAdd:
		return "added " + k.In.Value
	case model.SetRead:
		return "read " + showSet(k.Out.Elements)
	case model.SetAddRead:
		return "added " + k.In.Value + " and read " + showSet(k.Out.Elements)
	}
	return "completed"
}

// chainBroken decides blame in app mode, from the bookmarks the browser
// really held: a read that misses what the session learnt from k is D1's
// fault only if the bookmark r sent was at least the one k's response
// handed back. If k's response handed none back, or r went out with an
// older one, D1 was never asked for k's state: the app broke the chain,
// and the sentence names the route that dropped the bookmark.
func chainBroken(k, r *Op) (string, bool) {
	if k.HTTP == nil || r.HTTP == nil {
		return "", false
	}
	got, sent := k.HTTP.BookmarkReceived, r.HTTP.BookmarkSent
	switch {
	case got == "":
		return fmt.Sprintf("the response of %s %s (route %s) carried no bookmark, so the browser's next requests could not ask for what it wrote; your code is wrong: answer with session.getBookmark()",
			k.HTTP.Method, k.HTTP.Path, k.HTTP.Route), true
	case sent == "" || d1.CompareBookmarks(sent, got) < 0:
		return fmt.Sprintf("%s went out with bookmark %s, older than the %s that %s's response handed back; your code is wrong: route %s lost the newer bookmark",
			r.name(), orNone(sent), shortBookmark(got), k.name(), r.HTTP.Route), true
	}
	// The browser sent the bookmark; the database's trace says whether
	// the handler passed it on to D1.
	if r.HTTP.TraceJoin != "" && len(r.Trace) > 0 {
		if in := r.Trace[0].BookmarkIn; !wellFormed(in) || bookmarkBefore(in, got) {
			return fmt.Sprintf("the browser sent bookmark %s, but route %s (%s %s) opened its D1 session with %s; your code is wrong: open the session with the bookmark the request carries",
				shortBookmark(sent), r.HTTP.Route, r.HTTP.Method, r.HTTP.Path, orNone(in)), true
		}
	}
	return "", false
}

func orNone(b string) string {
	switch {
	case b == "":
		return "none"
	case !wellFormed(b):
		return "'" + b + "'"
	}
	return shortBookmark(b)
}
