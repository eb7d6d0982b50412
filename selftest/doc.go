// Package selftest is d1check's proof of detection power, as a library:
// the detection matrix. A gate that has never been seen to fail proves
// nothing, so for every bug planted in the emulator (emulator.KnownBugs)
// and every workload that can expose it, the matrix runs real traffic
// (runner + emulator + checker, nothing mocked) over many seeds and
// demands that the intended check reports the intended anomaly kind
// within a bounded number of ops — and, over the same seeds, that every
// correct configuration (the atomic variants, with and without carried
// bookmarks, with and without every emulator fault) and the same traffic
// without the bug raise no alarm at all.
//
// Every cell has an op bound (Cell.Ops, shown in the table): a bug that
// needs more ops than that to show is a miss.
//
// `d1check selftest` prints Run's Matrix with WriteTable and writes its
// report with WriteHTML (index.html) and WriteMarkdown (summary.md); the
// package's test runs the whole matrix.
package selftest
