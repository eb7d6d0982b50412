// Package checker decides whether a d1check history is correct, and says
// why not in sentences a developer believes.
//
// Three checks, each a row of the report:
//
//   - linearizability: per (model, variant, key) with porcupine, using the
//     models in checker/model, ordering ops by their events' positions
//     (the history is in the order things happened: history/FORMAT.md), so
//     an op completed before another's invoke precedes it even at one
//     clock instant. Indeterminate ops return at infinity and
//     may or may not have taken effect; a porcupine timeout is "unknown",
//     never "valid". A rejected partition is classified from its own events
//     (duplicate-create, double-use, stale-read, false-reject).
//   - session-guarantees: what D1 promises within a session, at the value
//     level (read-your-writes, monotonic reads) and at the bookmark level
//     from traces. Nothing is promised across sessions, so a cross-session
//     stale read fails linearizability but not this check.
//   - invariants: from acknowledged ops and the final reads on the
//     primary: one user per email, every acknowledged create present, a
//     code accepted at most once, no acknowledged verify lost.
//
// Every anomaly says whom it blames: the application (the access pattern
// lets a race through, as unconstrained reads are expected to) or the
// database (D1, the emulator or the driver broke a promise).
package checker
