// Package emulator is d1check's embedded, default D1: a replicated D1 as
// Cloudflare documents it, on real SQLite (zombiezen.com/go/sqlite), fast
// enough to push hundreds of thousands of operations through a CI job.
//
// # Shape
//
// A primary and one replica in every region of d1.Regions — the primary's
// region included, as Cloudflare documents (docs/d1-semantics.md); so a first-unconstrained client in the primary's
// region reads its local replica, not the primary. Each instance is one
// SQLite connection behind a mutex (in memory, or a file under
// Config.Dir). It implements d1.Transport: Emulator.Database(region) is
// env.DB for a client in that region.
//
// # Writes and positions
//
// Whether a statement writes is decided by SQLite's authorizer while the
// primary compiles it (once per SQL text), and for schema statements by
// their first keyword too: SQLite compiles DROP TABLE IF EXISTS of a
// missing table to a no-op that asks the authorizer nothing, yet the same
// cached text drops the table when it runs against another schema. Every request that writes runs
// on the primary as one transaction, in one commit order; each commit is
// the next position, which bookmarks encode (d1.NewBookmark). Reads never
// advance it, as in production.
//
// One prepare() may hold several statements; they run in order, and a
// statement that cannot compile until a schema statement before it has run
// (CREATE TABLE t …; INSERT INTO t …) is compiled at its turn, as SQLite's
// own exec and wrangler dev do.
//
// # Replication
//
// The primary records each commit's row changes through SQLite's preupdate
// hook (capture.go: the same changes SQLite's session extension would
// record, without its per-commit compilations) and appends them, as a
// changeset, to one ordered log. FTS5 index pages written at COMMIT are
// flushed into the changeset first, so full-text search works on replicas
// (a virtual table needs no key: its shadow tables have one). Schema
// statements (CREATE, DROP, ALTER, ANALYZE, PRAGMA user_version) cut the
// changeset and are logged as text, in place; the rows a DROP or ALTER
// changes on its own (foreign-key cascades) get a changeset before it,
// while what a CREATE writes (FTS5's first rows, CREATE TABLE … AS SELECT)
// is left to the replica's own run of it. Each replica applies the log
// in order, each entry after a lag drawn from its region's LagModel
// (seeded), every due entry in one transaction, row by row through
// statements prepared once per table (apply.go: SQLite's own changeset
// applier prepares them again on every call). Because
// replicas apply values, not SQL, datetime('now'), random() and
// last_insert_rowid() cannot diverge; replicas run no triggers and enforce
// no foreign keys, since the primary's changes already include what those
// did. A changeset conflict means a replica diverged: it stops and refuses
// reads with an error saying so, never silently.
//
// # Memory
//
// A checkpoint database, read by no client, applies the log trailing the
// slowest replica by Config.SnapshotWindow commits; the log drops every
// entry the checkpoint has applied. So the log holds what some replica
// still lacks plus the window, whatever the run's length, and
// RestartReplica rebuilds any position within the window behind a
// replica by copying the checkpoint (SQLite's backup API) and replaying
// the entries after it. Older positions fail with ErrSnapshotTrimmed.
//
// # Network
//
// Config.RoundTrip gives every request a network time, drawn per request:
// half before the instance sees it, half after it answers. Without it the
// emulator answers in microseconds and read-then-write races are far
// narrower than on Cloudflare.
//
// # Routing
//
// See transport.Query: writes → primary; plain and first-primary →
// primary; first-unconstrained → the client's replica; a bookmark → the
// client's replica once it reaches it (bounded by Config.BookmarkWait,
// then a transient error starting with BookmarkTimeoutMessage).
//
// # Faults
//
// PauseReplication, ResumeReplication, RestartReplica (from an older
// snapshot: a copy of the checkpoint taken on through the log), SetLag,
// and Config.Hooks
// (BeforeRequest: slow primary or transient errors; AfterRequest: a
// request that took effect but whose answer was lost; Lag: lag spikes)
// are the seams the nemesis package attaches faults to.
//
// # Planted bugs
//
// Config.Bugs turns on known bugs (bugs.go: ignore-bookmark,
// lying-bookmark, lost-write, out-of-order, non-atomic-batch,
// plain-reads-replica), never on by default, so that the selftest can
// prove each one is caught by the check meant to catch it.
//
// # Known departures from D1
//
//   - CREATE TABLE without a declared PRIMARY KEY is refused: rows are
//     replicated by key, as SQLite's session extension does, so replicas
//     would silently miss their rows. Likewise, rows whose (non-INTEGER) PRIMARY KEY is NULL are not
//     replicated.
//   - BEGIN/COMMIT/SAVEPOINT and ATTACH are refused ("not authorized"):
//     the emulator owns transactions.
//   - sqlite_sequence (AUTOINCREMENT counters) is not replicated; replicas
//     never insert, so only a direct read of that table can tell.
//   - rows_read approximates D1's count (rows returned plus rows changed).
//   - A parameter count that does not match the placeholders fails with
//     "Wrong number of parameter bindings …" (not probed on D1).
//   - What production does with a garbage bookmark is unknown:
//     Config.GarbageBookmark chooses.
package emulator
