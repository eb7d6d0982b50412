package driverproto

import (
	"errors"
	"net/http"
	"strings"

	"github.com/d1check/d1check/d1"
)

// StatusFor is the HTTP status a driver answers for a failed request:
// 400 for D1's certain failures (SQL, type and argument errors: the
// database is unchanged), 503 for D1's transient errors and for a target
// that cannot serve (closed, cancelled): the outcome is unknown.
func StatusFor(err error) int {
	var e *d1.Error
	if errors.As(err, &e) && e.Kind != d1.KindTransient {
		return http.StatusBadRequest
	}
	return http.StatusServiceUnavailable
}

// IsD1Message reports whether msg is an error D1 or the binding threw, as
// opposed to a failure of the driver itself (an exception in the Worker, an
// exceeded CPU limit): only those become a *d1.Error on the client. Anything
// else leaves the outcome of a write unknown, so the client reports it as a
// *d1.TransportError and the runner records info, never a guess.
func IsD1Message(msg string) bool {
	if strings.HasPrefix(msg, "D1_") || strings.HasPrefix(msg, "TypeError") {
		return true
	}
	return d1.ParseError(msg).Kind == d1.KindTransient
}
