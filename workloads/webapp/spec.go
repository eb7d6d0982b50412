// Package webapp is the HTTP workload: traffic a scenario declares against
// the team's own Worker (an httpspec.Spec), not written in Go.
//
// The generators are the Go workloads' own (users for create-once,
// magic-codes for single-use), so the races the gate provokes in Go (hot
// keys, double submits) are the ones it provokes in the app; only the last
// step, the request, differs. Every client behaves like a browser: it sends
// back the newest bookmark it has seen (header or cookie), ignores an older
// one, and records both on every op, which is what blame in app mode
// follows.
package webapp

import "github.com/d1check/d1check/httpspec"

// The declaration's types, under the names this package's code uses.
type (
	Spec      = httpspec.Spec
	Op        = httpspec.Op
	Request   = httpspec.Request
	Bookmarks = httpspec.Bookmarks
	Path      = httpspec.Path
)

// Models.
var (
	CreateOnce = httpspec.CreateOnce
	SingleUse  = httpspec.SingleUse
	Register   = httpspec.Register
	Set        = httpspec.Set
)

// kindOf names a JSON value's type, for messages.
func kindOf(v any) string { return httpspec.KindOf(v) }
