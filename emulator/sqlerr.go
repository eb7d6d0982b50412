package emulator

import (
	"errors"
	"strings"

	"github.com/d1check/d1check/d1"
	"zombiezen.com/go/sqlite"
)

// sqlError turns an error from zombiezen into D1's D1_ERROR, in D1's shape:
// "D1_ERROR: <sqlite3_errmsg>[ at offset N]: SQLITE_<CODE>[ (extended: …)]".
//
// zombiezen keeps sqlite3_errmsg and sqlite3_error_offset in an unexported
// error type whose Error() is "<sqlite3_errstr(code)>: <errmsg>", wrapped in
// "sqlite: prepare: 1:1: …" prefixes. ErrCode and ErrorOffset read the code
// and offset; the message is the unexported error's text minus the errstr
// prefix. The unexported type is reached through its As method, which
// errors.As finds by interface.
func sqlError(err error) error { return sqlErrorAt(err, 0) }

// sqlErrorAt is sqlError for a statement that starts base bytes into its
// query's text, so that "at offset N" counts from the start of the text.
func sqlErrorAt(err error, base int) error {
	if err == nil {
		return nil
	}
	var d *d1.Error
	if errors.As(err, &d) {
		return d
	}
	code := sqlite.ErrCode(err)
	msg := code.Message()
	var inner interface {
		error
		As(any) bool
	}
	if errors.As(err, &inner) {
		msg = strings.TrimPrefix(inner.Error(), code.Message()+": ")
	} else if code == sqlite.ResultError {
		// Not a SQLite error at all (zombiezen's own checks): keep its text.
		msg = strings.TrimPrefix(err.Error(), "sqlite: ")
	}
	offset, ok := sqlite.ErrorOffset(err)
	if !ok {
		offset = -1
	} else {
		offset += base
	}
	return d1.SQLError(msg, offset, code.ToPrimary().String(), code.String())
}

// emulatorError is a D1_ERROR for a request the emulator refuses where real
// D1 would not (a documented departure), in D1's shape so that every layer
// handles it as a SQL error.
func emulatorError(msg string) *d1.Error {
	return d1.SQLError("emulator: "+msg, -1, "ERROR", "")
}
