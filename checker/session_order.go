package checker

import "sort"

// sessions groups ops with a known outcome by session id, each in invoke
// order. Ops without a session (plain env.DB) are in none: D1 promises
// nothing across sessions, and a lone op has no session order.
func sessions(ops []*Op) (ids []string, by map[string][]*Op) {
	by = map[string][]*Op{}
	for _, o := range ops {
		if o.Session == "" || !o.known() {
			continue
		}
		if _, ok := by[o.Session]; !ok {
			ids = append(ids, o.Session)
		}
		by[o.Session] = append(by[o.Session], o)
	}
	return ids, by
}

// inSessionOrder walks a session's ops (in invoke order) and, before
// visiting each, absorbs every op of the session that completed before it
// was invoked. That is the session order D1's guarantees are stated in: an
// op follows another when the other's completion was recorded before its
// invoke. Two ops of one session that overlap (a session used
// concurrently) are unordered, and neither is held to the other.
func inSessionOrder(ops []*Op, absorb func(k *Op), visit func(r *Op)) {
	done := append([]*Op(nil), ops...)
	sort.Slice(done, func(i, j int) bool { return done[i].Complete < done[j].Complete })
	next := 0
	for _, r := range ops {
		for next < len(done) && done[next].Complete < r.Invoke {
			absorb(done[next])
			next++
		}
		visit(r)
	}
}
