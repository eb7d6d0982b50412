// Package reports renders a checked history for people and for CI: one
// self-contained HTML page, JUnit XML, a JSON summary and a Markdown
// summary.
//
// Reports only render. They never drive traffic and never run a check:
// every number on the page is derived from the history file and the
// checker's Result, so `d1check report HISTORY` re-creates the same page
// from a saved run (data flows one way, see docs/architecture.md).
//
// A history can hold a million events, so nothing here is proportional to
// the history in its output: charts are bucketed, at most a fixed number of
// anomalies is drawn in full ("and K more"), timelines are drawn only
// around anomalies, and porcupine's visualizations are capped (see
// MaxVisualizations).
package reports
