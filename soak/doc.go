// Package soak runs scenarios for a long time against one embedded
// emulator, with their faults, and checks the history as it goes, so that
// memory stays flat however long the run: the soak behind `d1check soak`.
//
// # Design
//
// A soak is a sequence of windows of Config.Window (30s by default). Each
// window runs one scenario of the mix, taken round-robin, on the SAME
// emulator: one database whose replication log, bookmarks and
// replicas live for the whole soak, which is what a long run must stress.
// Windows round-robin over the mix rather than running every workload at
// once because workloads share table names (users and auth both keep
// users) and one process-id space per run keeps the history simple.
//
// Each window is one run of a harness.Series: every window is closed when
// it ends (its clients stop, its nemesis repairs every fault, its final
// reads run on the primary), starts from an empty database, records its
// keys and sessions under its own namespace ("w7/") and shares the file's
// clock and process ids, so each window's events can be checked on their
// own and then dropped while the whole file stays one valid history (see
// harness.Series for how).
//
// `d1check check` on the file therefore re-derives every window's verdict
// at once (the same partitions, the same anomalies).
//
// A window's events are read back from the file, not kept in memory as
// they are written, so the only copy in memory is the one being checked.
// What outlives a window is bounded: the merged checker.Result of each
// scenario (counts are exact, anomalies and porcupine visualizations are
// capped), and a digest history holding the
// kept anomalies' events and the nemesis events (capped), which is what the
// final report is built from: one harness.Run per scenario of the mix,
// whose Result merges its windows' results. Re-checking the whole file for
// the report would need the whole history in memory; the report's charts
// therefore show the faults and the anomalous operations, and its title
// gives the run's totals.
//
// The emulator keeps its databases on disk (emulator.Config.Dir, a
// temporary directory), and dropping the tables each window keeps them
// small. Faults are timed from each window's start; a scenario with a
// duration has its fault schedule scaled to the window's length, so a
// short window still goes through every fault.
package soak
