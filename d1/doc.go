// Package d1 is the Go mirror of Cloudflare D1's Workers binding: a Database
// (env.DB), sessions from withSession(constraintOrBookmark), prepared
// statements with Bind/First/All/Run, batches, results with D1's meta, and
// D1's error strings.
//
// Everything a Worker's JavaScript binding decides on the client side lives
// here once — trimming the argument, the two case-sensitive constraints,
// "every other string is a bookmark", and keeping the maximum bookmark a
// session has seen — so that every target (the embedded emulator, the driver
// Worker over HTTP, the REST API) behaves alike. A target only implements
// Transport: send one request carrying a constraint or bookmark, return the
// results and the bookmark the database answered with.
//
// Workloads use only this package; they never know which target they run on.
package d1
