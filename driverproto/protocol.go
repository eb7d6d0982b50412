// Package driverproto is d1check's driver protocol: the JSON a driver (the
// TypeScript Worker in worker/, or `d1check emulate`) and its Go client
// exchange. It is defined once here so that the client (targets/worker) and
// the emulator's server (emulator/server) cannot drift apart, and the Worker
// mirrors it (worker/src/index.ts). docs/driver-protocol.md specifies it
// with examples, which doc_test.go decodes with these types.
//
// A request is POST /query with the body
//
//	{"statements":[{"sql":"…","params":[…]}],"batch":false,"mode":"session"}
//
// and, in session mode, the header x-d1-bookmark carrying what the session
// sends: a constraint or a bookmark. The driver runs the statements in
// env.DB.withSession(header) — an absent header means "first-unconstrained",
// as in Cloudflare's starter template — or, in mode "plain", on env.DB
// itself (no session, no bookmark, served by the primary). The mode is in the
// body rather than a header because it changes what the request means, and a
// proxy may drop unknown headers but never a body field.
//
// The answer is {"results":[{"results":[…],"meta":{…},"success":true}],
// "bookmark":"…"} with the bookmark (session.getBookmark(), null in plain
// mode) also in the x-d1-bookmark response header. A failure is
// {"error":"D1_ERROR: …"} with a 4xx or 5xx status: the exact message the
// binding threw.
//
// GET /status answers {"driver":"d1check","runtime":…,"protocol":1,…}: a
// client checks it before any traffic, so that a wrong URL, a wrong secret
// or a server that is not a driver fails before a run, never during one.
package driverproto

import (
	"github.com/d1check/d1check/d1"
)

// Paths, headers and names of the protocol.
const (
	PathQuery  = "/query"
	PathStatus = "/status"

	// HeaderBookmark carries the session's constraint or bookmark in a
	// request and the session's bookmark in a response.
	HeaderBookmark = "x-d1-bookmark"
	// HeaderRegion is where the calling client is; the emulator serves its
	// session reads from that region's replica. The Worker ignores it: on
	// Cloudflare the client's location decides.
	HeaderRegion = "x-d1check-region"
	// HeaderSecret is the shared secret of a driver that has one. A driver
	// without a secret ignores it.
	HeaderSecret = "x-d1check-secret"

	// ModeSession and ModePlain are the values of Request.Mode.
	ModeSession = "session"
	ModePlain   = "plain"

	// Driver is Status.Driver: how a client recognises a driver.
	Driver = "d1check"
	// Version is the protocol version this package speaks.
	Version = 1
)

// Request is the body of POST /query.
type Request struct {
	Statements []Statement `json:"statements"`
	Batch      bool        `json:"batch"`
	// Mode is ModeSession (also when empty) or ModePlain.
	Mode string `json:"mode,omitempty"`
}

// Statement is one SQL statement and its parameters.
type Statement struct {
	SQL    string  `json:"sql"`
	Params []Value `json:"params"`
}

// Response is the body of a successful POST /query.
type Response struct {
	Results []Result `json:"results"`
	// Bookmark is session.getBookmark() after the request; nil (JSON null)
	// in plain mode.
	Bookmark *string `json:"bookmark"`
}

// Result is one statement's D1Result.
type Result struct {
	Results []map[string]Value `json:"results"`
	Meta    d1.Meta            `json:"meta"`
	Success bool               `json:"success"`
}

// ErrorBody is the body of a failed request. Error is the message D1 threw,
// verbatim; Cause is the message of its cause when the binding wraps one
// (diagnostics only: clients classify by Error).
type ErrorBody struct {
	Error string `json:"error"`
	Cause string `json:"cause,omitempty"`
}

// Status is the part of GET /status every driver answers. Drivers add
// their own fields (the emulator: each instance's applied bookmark).
type Status struct {
	Driver   string `json:"driver"`
	Runtime  string `json:"runtime"` // "workerd", "emulator"
	Protocol int    `json:"protocol"`
	// Bookmark is the primary's current bookmark, when the driver knows it.
	Bookmark string `json:"bookmark,omitempty"`
}
