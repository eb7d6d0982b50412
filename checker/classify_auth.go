package checker

import (
	"fmt"

	"github.com/d1check/d1check/checker/model"
)

// staleSession tells a stale read of a login session row in the words of
// the auth hook: a session read as absent after the login is a user who
// appears logged out; one read as present after the logout is a session
// resurrected. When the login (or logout) and the read are requests of one
// client in different sessions, the sentence says so: that is the
// read-your-writes across requests that only carrying the bookmark fixes.
func staleSession(w, r *Op) string {
	var what string
	t := when(r.Call, r.Return, w.Return)
	switch {
	case r.Out.Value == model.Unset:
		what = fmt.Sprintf("%s, invoked at %s, found no session %s at %s, so the user appeared logged out, although %s had logged in user %s at %s",
			r.name(), t[0], r.Key, t[1], w.name(), shown(w.In.Value), t[2])
	case w.In.Value == model.Unset:
		what = fmt.Sprintf("%s, invoked at %s, found session %s alive (user %s) at %s, resurrected, although %s had logged it out at %s",
			r.name(), t[0], r.Key, shown(r.Out.Value), t[1], w.name(), t[2])
	default:
		what = fmt.Sprintf("%s, invoked at %s, read session %s as user %s at %s although %s had made it user %s at %s",
			r.name(), t[0], r.Key, shown(r.Out.Value), t[1], w.name(), shown(w.In.Value), t[2])
	}
	if w.Process == r.Process && w.Session != r.Session {
		what += fmt.Sprintf(", in the same client's later request (session %s, not %s): the bookmark of %s's response was not carried", r.Session, w.Session, w.ref())
	}
	return what
}

// classifyCompareAndSet finds the lost update: two refreshes that both
// replaced the same old token, so one overwrote the other's new tokens.
func classifyCompareAndSet(p *partition, ci *commitIndex) []Anomaly {
	byOld := map[string]*Op{}
	for _, o := range p.oks(model.Refresh) {
		if !o.Out.Refreshed {
			continue
		}
		a, ok := byOld[o.Out.Old]
		if !ok {
			byOld[o.Out.Old] = o
			continue
		}
		return []Anomaly{p.anomaly(LostUpdate, twoOps(a, o, fmt.Sprintf("refreshed session %s from token %+q", p.key, o.Out.Old))+
			fmt.Sprintf(", to %+q and %+q: one overwrote the other's new tokens, a lost update", a.In.Value, o.In.Value)+ci.served(o), a, o)}
	}
	return nil
}
