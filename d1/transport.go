package d1

import "context"

// Mode says how a request reaches the database.
type Mode int

const (
	// ModeSession is a query through withSession(): it carries a constraint
	// or a bookmark, and its response carries the bookmark to keep.
	ModeSession Mode = iota
	// ModePlain is env.DB used directly: no bookmark is sent or returned and,
	// as Cloudflare documents, the primary serves it.
	ModePlain
)

// Request is what a Database sends its Transport for one prepare().run(),
// first(), all() or batch().
type Request struct {
	Mode Mode
	// Bookmark is what the session sends: FirstPrimary, FirstUnconstrained,
	// or a bookmark (which may be garbage: the binding sends any other string
	// as is). Empty in ModePlain.
	Bookmark   string
	Statements []Query
	// Batch is true for batch(): the statements run as one transaction.
	Batch bool
}

// Query is one SQL statement with its bound parameters, already checked and
// converted by Bind: each parameter is nil, int64, float64, string or []byte.
type Query struct {
	SQL    string `json:"sql"`
	Params []any  `json:"params"`
}

// Response is a Transport's answer: one Result per statement, and in
// ModeSession the bookmark the serving instance returned.
type Response struct {
	Results  []Result
	Bookmark string
}

// Transport carries requests to one D1 target. Implementations must be safe
// for concurrent use. A failure D1 reports is an *Error; a failure to reach
// the database (timeout, refused connection, bad response) is a
// *TransportError, whose outcome for a write is unknown.
type Transport interface {
	Query(ctx context.Context, req Request) (Response, error)
}
