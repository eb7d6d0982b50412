package d1

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
)

// Kind classifies a D1 error.
type Kind string

const (
	// KindSQL is D1_ERROR: SQLite refused the statement (syntax, constraint,
	// no such table, …). The database is unchanged by the failing request.
	KindSQL Kind = "D1_ERROR"
	// KindType is D1_TYPE_ERROR: a parameter could not be bound.
	KindType Kind = "D1_TYPE_ERROR"
	// KindTransient is one of D1's documented retryable failures. A write
	// that failed this way may or may not have committed.
	KindTransient Kind = "TRANSIENT"
	// KindArgument is a JavaScript TypeError the binding throws
	// synchronously, such as withSession() given an object.
	KindArgument Kind = "TypeError"
)

// Error is a failure D1 itself reports. Message is the exact string the
// binding throws (for example "D1_ERROR: no such table: nope: SQLITE_ERROR"),
// so that d1check's histories and reports quote D1 verbatim.
type Error struct {
	Kind    Kind
	Message string
	// Code and Extended are the SQLite result codes named in a D1_ERROR
	// ("SQLITE_CONSTRAINT", "SQLITE_CONSTRAINT_UNIQUE"), when present.
	Code     string
	Extended string
}

func (e *Error) Error() string { return e.Message }

// The documented transient messages (docs/d1-semantics.md#errors).
var transientMessages = []string{
	"D1 DB reset because its code was updated.",
	"Network connection lost.",
	"Internal error in D1 DB storage caused object to be reset.",
	"D1 DB is overloaded. Requests queued for too long.",
	"D1 DB is overloaded. Too many requests queued.",
}

// TransientMessages lists D1's documented retryable error messages.
func TransientMessages() []string { return append([]string(nil), transientMessages...) }

// SQLError builds D1's error for a SQLite failure, in D1's general shape:
// "D1_ERROR: <sqlite3_errmsg>[ at offset N]: SQLITE_<CODE>[ (extended: SQLITE_<EXT>)]".
// offset < 0 means SQLite reported none. code and extended are given
// without the SQLITE_ prefix or with it; extended may be empty or equal to
// code, in which case it is left out, as D1 leaves it out.
func SQLError(msg string, offset int, code, extended string) *Error {
	code = withPrefix(code)
	extended = withPrefix(extended)
	var b strings.Builder
	b.WriteString("D1_ERROR: ")
	b.WriteString(msg)
	if offset >= 0 {
		fmt.Fprintf(&b, " at offset %d", offset)
	}
	b.WriteString(": ")
	b.WriteString(code)
	if extended != "" && extended != code {
		fmt.Fprintf(&b, " (extended: %s)", extended)
	} else {
		extended = ""
	}
	return &Error{Kind: KindSQL, Message: b.String(), Code: code, Extended: extended}
}

func withPrefix(c string) string {
	if c == "" || strings.HasPrefix(c, "SQLITE_") {
		return c
	}
	return "SQLITE_" + c
}

// ParseError turns a message received over the wire (from the driver Worker
// or the emulator's server) back into an *Error, recovering its kind and
// SQLite codes, so that callers can test errors the same way on every
// target.
func ParseError(msg string) *Error {
	e := &Error{Message: msg}
	switch {
	case strings.HasPrefix(msg, "D1_TYPE_ERROR"):
		e.Kind = KindType
	case strings.HasPrefix(msg, "TypeError"):
		e.Kind = KindArgument
	case isTransientMessage(msg):
		e.Kind = KindTransient
	default:
		e.Kind = KindSQL
	}
	if e.Kind == KindSQL {
		rest := msg
		if i := strings.LastIndex(rest, " (extended: "); i >= 0 && strings.HasSuffix(rest, ")") {
			e.Extended = rest[i+len(" (extended: ") : len(rest)-1]
			rest = rest[:i]
		}
		if i := strings.LastIndex(rest, ": SQLITE_"); i >= 0 {
			e.Code = rest[i+2:]
		}
	}
	return e
}

func isTransientMessage(msg string) bool {
	for _, t := range transientMessages {
		if strings.Contains(msg, t) {
			return true
		}
	}
	return false
}

// TransportError is a failure to reach the database or to understand its
// answer: a timeout, a refused or dropped connection, a response that is not
// the driver protocol. The request may or may not have been executed.
type TransportError struct {
	Op  string // what was being done, e.g. "POST http://127.0.0.1:8787/query"
	Err error
}

func (e *TransportError) Error() string { return e.Op + ": " + e.Err.Error() }
func (e *TransportError) Unwrap() error { return e.Err }

// IsConstraint reports whether err is a SQLite constraint violation
// (UNIQUE, PRIMARY KEY, CHECK, …).
func IsConstraint(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Kind == KindSQL && e.Code == "SQLITE_CONSTRAINT"
}

// Indeterminate reports whether a request that failed with err may still
// have taken effect: a transport failure, a context deadline or
// cancellation, or one of D1's transient errors. A write that fails this
// way must be recorded as "info", never as "fail".
func Indeterminate(err error) bool {
	if err == nil {
		return false
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Kind == KindTransient
	}
	var te *TransportError
	if errors.As(err, &te) {
		return true
	}
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) || errors.As(err, &ne)
}
