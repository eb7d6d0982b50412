// Package shrink finds the smallest run of a scenario that still fails the
// same way: fewer clients, fewer ops, fewer keys, fewer variants, faults and
// region overrides, less lag and round trip — the run a person can read
// whole and a regression test can afford.
//
// It works because runs on the embedded emulator under simulated time are
// deterministic: a scenario and its seed always give the same history, so
// "does this smaller run still show duplicate-create?" has one answer, and
// the answer found during the search is the one the regression test will
// see. On real time a run does not replay, so Shrink refuses it.
//
// The search is greedy, one dimension at a time, in the manner of
// delta debugging and Hypothesis's shrinker: for a number (clients, ops,
// keys, lag) it tries the smallest value first and then bisects between
// the largest value known to pass and the smallest known to fail; for a
// list (variants, faults, regions) it tries dropping each element. It
// repeats over all dimensions until a whole pass changes nothing, or the
// run or time budget is spent. A failure is not monotonic in any dimension
// (four clients may race where three do not), so the result is a local
// minimum: no single step the search knows makes it smaller and still
// failing. Every run is cached by scenario, so no run is tried twice.
//
// The harness does the running; this package only decides what to run.
package shrink
