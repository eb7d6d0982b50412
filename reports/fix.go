package reports

import (
	"html/template"
	"sort"

	"github.com/d1check/d1check/checker"
)

// advice is what the page says about one anomaly kind: who is to blame in
// plain words, and how to fix it. The fixes are the statements the
// workloads' atomic and first-primary variants use, so the advice is
// something d1check has itself seen pass.
type advice struct {
	Kind  checker.Kind
	Title string
	Blame checker.Blame
	Fix   template.HTML // trusted: written here, never from a history
}

// bookmarkNote is said wherever the fix involves sessions: the migration
// guide's spelling of the constraint does not do what it says.
const bookmarkNote = ` Note: <code>withSession({constraint: 'first_unconditional'})</code> throws a TypeError (the argument must be a string), and the string <code>'first_unconditional'</code> is not a constraint at all: it is silently sent as a garbage bookmark. The only constraints are <code>'first-primary'</code> and <code>'first-unconstrained'</code>.`

var adviceByKind = map[checker.Kind]advice{
	checker.DuplicateCreate: {Title: "Duplicate create", Blame: checker.BlameApplication,
		Fix: `A read-then-insert (<code>SELECT</code>, then <code>INSERT</code> if absent) races with itself whether or not the read is fresh: even <code>withSession('first-primary')</code> only makes the first read fresh, not the pair atomic. Let the database decide in one statement: add a <code>UNIQUE</code> index on the email and write <code>INSERT INTO users (email) VALUES (?) ON CONFLICT(email) DO NOTHING RETURNING id</code>; when it returns no row, the user exists — read it with <code>SELECT id FROM users WHERE email = ?</code> in the same session (the session's bookmark now includes the conflicting row).` + bookmarkNote},
	checker.DoubleUse: {Title: "Double use", Blame: checker.BlameApplication,
		Fix: `A code checked with a <code>SELECT</code> and then marked used with an <code>UPDATE … WHERE id = ?</code> can be used twice by two concurrent requests. Make the check and the use one statement: <code>UPDATE magic_codes SET used_at = datetime('now') WHERE email = ? AND code = ? AND expires_at &gt; datetime('now') AND used_at IS NULL RETURNING id</code>; the code is valid exactly when a row comes back.` + bookmarkNote},
	checker.FalseReject: {Title: "False reject", Blame: checker.BlameApplication,
		Fix: `A valid code was rejected because the read that looked for it was served by a replica that had not yet seen it being issued. Do the verification as the single atomic <code>UPDATE … WHERE used_at IS NULL RETURNING id</code> (writes always run on the primary), or carry the bookmark from the request that issued the code (the <code>x-d1-bookmark</code> header or a cookie) into <code>withSession(bookmark)</code>.` + bookmarkNote},
	checker.StaleRead: {Title: "Stale read", Blame: checker.BlameApplication,
		Fix: `A read in a fresh <code>withSession()</code> may be served by any replica, however far behind: D1 promises nothing across sessions. When a request must see an earlier request's write, carry the bookmark: return <code>session.getBookmark()</code> to the client (the <code>x-d1-bookmark</code> response header or a cookie) and start the next request with <code>withSession(bookmark)</code>. When a read must see every write, use <code>withSession('first-primary')</code> for it.` + bookmarkNote},
	checker.ReadYourWrites: {Title: "Read your writes", Blame: checker.BlameApplication,
		Fix: `A read did not see a write the same client had made. Within one session D1 guarantees read-your-writes, so either the two statements ran in different sessions (a new <code>withSession()</code> per request, with the bookmark dropped in between), or D1 broke its promise. Carry the bookmark from the writing request into the reading one (<code>x-d1-bookmark</code> header or cookie → <code>withSession(bookmark)</code>), or read with <code>withSession('first-primary')</code>. If the history shows the bookmark was carried, this is a database or driver bug: report it.` + bookmarkNote},
	checker.MonotonicRead: {Title: "Monotonic read", Blame: checker.BlameDatabase,
		Fix: `D1 broke its promise: within one session, a later read saw an older state than an earlier one. Sessions guarantee monotonic reads, so application code cannot cause this inside a session. It is a bug in the database, the emulator or the driver (or the bookmark was not carried between the two requests): keep the history file — it re-checks with <code>d1check check</code> — and report it.`},
	checker.BookmarkRegression: {Title: "Bookmark regression", Blame: checker.BlameDatabase,
		Fix: `D1 broke its promise: a session's bookmark went backwards, so a later query was allowed to be served by an older replica than an earlier one. Bookmarks are lexicographically ordered and a session keeps the maximum it has seen; a regression is a database or driver bug. Keep the history file and report it.`},
	checker.LostWrite: {Title: "Lost write", Blame: checker.BlameDatabase,
		Fix: `D1 broke its promise: a write the database acknowledged is missing from the final read on the primary. No application pattern explains an acknowledged commit disappearing; keep the history file and report it as a database or driver bug.`},
	checker.LostUpdate: {Title: "Lost update", Blame: checker.BlameApplication,
		Fix: `Two requests read the same row, computed a new value (here, a token refresh) and both wrote it back: one overwrote the other. A fresher read does not fix a read-modify-write race; make the write conditional on what was read, as one statement: <code>UPDATE sessions SET refresh_token = ?, access_token = ? WHERE id = ? AND refresh_token = ? RETURNING id</code>. When no row comes back, another request refreshed first: re-read (with <code>withSession('first-primary')</code> or the carried bookmark) and use its tokens.` + bookmarkNote},
	checker.NonLinearizable: {Title: "Not linearizable", Blame: checker.BlameApplication,
		Fix: `Porcupine found no order of these operations that a single copy of the data could have produced, and none of the specific kinds above explains it. Across sessions this is expected for unconstrained reads (D1 promises nothing there); open the porcupine visualization below to see the longest consistent prefix. If the operations share one session and a bookmark chain, treat it as a database or driver bug.`},
}

// adviceFor returns the advice for a kind; an unknown kind (a newer
// checker) still gets a heading and an honest sentence.
func adviceFor(k checker.Kind) advice {
	if a, ok := adviceByKind[k]; ok {
		a.Kind = k
		return a
	}
	return advice{Kind: k, Title: string(k), Blame: checker.BlameApplication,
		Fix: template.HTML(`This report does not know anomaly kind <code>` + template.HTMLEscapeString(string(k)) + `</code>; read its explanation above.`)}
}

// databaseAdvice is the fix for an anomaly of a kind usually blamed on the
// application when the checker blamed it on the database: the same read
// also broke a session guarantee or showed an acknowledged write lost, so
// the access pattern was already right and its usual fix (carry the
// bookmark, read on the primary) would change nothing.
func databaseAdvice(k checker.Kind) advice {
	return advice{Kind: k, Title: adviceFor(k).Title + " (D1's fault here)", Blame: checker.BlameDatabase,
		Fix: `These reads also broke a promise D1 makes — read-your-writes or monotonic reads within their session, or an acknowledged write present on the primary — as the database anomalies of the same reads show. The code already did what it should (the session carried its own bookmark, or the read was on the primary), so changing the access pattern will not help: this is a bug in the database, the emulator or the driver. Keep the history file — it re-checks with <code>d1check check</code> — and report it.`}
}

// kindBlames collects, for the fixes, whom the anomalies of each kind
// blame: the advice must match the blame.
type kindBlames map[checker.Kind]map[checker.Blame]bool

func (kb kindBlames) add(a checker.Anomaly) {
	if kb[a.Kind] == nil {
		kb[a.Kind] = map[checker.Blame]bool{}
	}
	kb[a.Kind][blameOf(a)] = true
}

// advice returns the fixes to show, by kind: a kind's usual advice when
// some of its anomalies carry that blame, and the database's when some are
// the database's though the kind is usually the application's.
func (kb kindBlames) advice() []advice {
	ks := make([]string, 0, len(kb))
	for k := range kb {
		ks = append(ks, string(k))
	}
	sort.Strings(ks)
	var out []advice
	for _, k := range ks {
		kind := checker.Kind(k)
		usual := adviceFor(kind)
		blames := kb[kind]
		if blames[usual.Blame] || (usual.Blame == checker.BlameDatabase) {
			out = append(out, usual)
		}
		if usual.Blame == checker.BlameApplication && blames[checker.BlameDatabase] {
			out = append(out, databaseAdvice(kind))
		}
	}
	return out
}

// blameTitle is the plain-words heading of each side.
func blameTitle(b checker.Blame) string {
	if b == checker.BlameDatabase {
		return "D1 broke its promise"
	}
	return "Your code is wrong"
}
