package checker

import "fmt"

// blameExplained moves to the database the linearizability anomalies that
// a broken promise of D1 fully explains: a read that missed its own
// session's write (or went back within its session) breaks a session
// guarantee, and a final read on the primary that misses an acknowledged
// write is a lost write. The same read is then not the access pattern's
// fault, however stale it is: the code did carry its bookmark, or read on
// the primary, and its usual fix would change nothing. An anomaly is
// matched to a database one by its subject, the read both contradict.
func blameExplained(lin []Anomaly, byDatabase ...[]Anomaly) {
	why := map[int]Anomaly{}
	for _, as := range byDatabase {
		for _, a := range as {
			if a.Blame == BlameDatabase && a.subject >= 0 {
				if _, ok := why[a.subject]; !ok {
					why[a.subject] = a
				}
			}
		}
	}
	for i := range lin {
		a := &lin[i]
		d, ok := why[a.subject]
		if !ok || a.subject < 0 || a.Blame == BlameDatabase {
			continue
		}
		a.Blame = BlameDatabase
		if d.Check == CheckSessionGuarantees {
			a.Explanation += fmt.Sprintf("; the same read broke %s within session %s (%s), a promise D1 makes, so D1 is to blame", d.Kind, d.Session, d.Check)
		} else {
			a.Explanation += fmt.Sprintf("; the same read shows an acknowledged write lost (%s: %s), so D1 is to blame", d.Check, d.Kind)
		}
	}
}
