// Package history holds d1check's record of a run: the event types of the
// history format (JSON Lines, version 1, specified with examples in
// FORMAT.md), a streaming writer and a tolerant reader.
//
// The vocabulary is Jepsen's: every operation is an invoke followed by exactly
// one completion (ok, fail or info). A history file is the single source of
// truth for a run: every verdict d1check prints can be re-derived from it.
package history

import (
	"encoding/json"
	"time"
)

// Version is the history format version this package writes and reads.
const Version = 1

// Type says what an event is.
type Type string

const (
	// Invoke starts an operation.
	Invoke Type = "invoke"
	// OK completes an operation that took effect.
	OK Type = "ok"
	// Fail completes an operation that certainly did not take effect.
	Fail Type = "fail"
	// Info completes an operation whose outcome is unknown (timeout, lost
	// connection, transient error on a write). It may or may not have taken
	// effect; the process that issued it never invokes again.
	Info Type = "info"
	// Nemesis records a fault starting or ending; it belongs to no process.
	Nemesis Type = "nemesis"
)

// Header is line 1 of a history file.
type Header struct {
	D1check   string          `json:"d1check"` // always "history"
	Version   int             `json:"version"`
	Scenario  json.RawMessage `json:"scenario,omitempty"`
	Target    string          `json:"target"`
	Seed      int64           `json:"seed"`
	StartedAt time.Time       `json:"started_at"`
}

// Event is one line after the header.
type Event struct {
	Index   int    `json:"index"`
	Type    Type   `json:"type"`
	Process int    `json:"process"`
	Session string `json:"session,omitempty"`
	// Variant names the access pattern (plain, unconstrained, first-primary,
	// atomic, …) that issued the op: a run may compare several variants,
	// the checker partitions by it and the reports group by it.
	Variant string          `json:"variant,omitempty"`
	F       string          `json:"f"`
	Key     string          `json:"key,omitempty"`
	Value   json.RawMessage `json:"value,omitempty"`
	Error   string          `json:"error,omitempty"`
	// Time is nanoseconds since the run started, on one monotonic clock.
	Time  int64       `json:"time"`
	Trace []Statement `json:"trace,omitempty"`
	// HTTP is the request an op of an HTTP workload sent to the
	// application (completions only): the route, the status, and the
	// bookmarks the browser-like client sent and received, which is what
	// blame in app mode follows.
	HTTP *HTTP `json:"http,omitempty"`
	// Line is the 1-based line the event was read from (0 when it was not
	// read from a file), so that errors about an event can name its line.
	Line int `json:"-"`
}

// HTTP is one request to the application under test.
type HTTP struct {
	// Route is the scenario op's name; Method and Path the request sent.
	Route  string `json:"route"`
	Method string `json:"method"`
	Path   string `json:"path"`
	Region string `json:"region,omitempty"` // the socket (edge location) the client used
	// Status is the response's status; 0 when no response came back.
	Status int `json:"status,omitempty"`
	// BookmarkSent is the bookmark the client sent (header or cookie), ""
	// for none; BookmarkReceived the one the response carried, "" for none.
	BookmarkSent     string `json:"bookmark_sent,omitempty"`
	BookmarkReceived string `json:"bookmark_received,omitempty"`
	// Mismatch says why the response did not match the scenario's mapping
	// (a missing JSON path, a wrong type); the op is then a fail.
	Mismatch string `json:"mismatch,omitempty"`
	// TraceJoin says how sure the op's trace (the queries the app made
	// while serving it, from the database's own trace) is: "exact" (no
	// other request at the same region overlapped), "bookmark" (told apart
	// by their bookmarks) or "ambiguous" (no trace attached); empty when no
	// trace was joined.
	TraceJoin string `json:"trace_join,omitempty"`
}

// Statement is one request an operation sent, as its trace records it.
// Only the bookmark-level session check and the explanations read
// traces: without them a history is still checked, at the value level.
type Statement struct {
	SQL             string `json:"sql"`
	BookmarkIn      string `json:"bookmark_in,omitempty"`
	BookmarkOut     string `json:"bookmark_out,omitempty"`
	ServedBy        string `json:"served_by,omitempty"`
	ServedByPrimary bool   `json:"served_by_primary"`
	ServedByRegion  string `json:"served_by_region,omitempty"`
	// Start and End are nanoseconds since the run started.
	Start int64  `json:"start,omitempty"`
	End   int64  `json:"end,omitempty"`
	Error string `json:"error,omitempty"`
}
