package main

import (
	"errors"
	"fmt"
)

// Exit codes, as Jepsen's: the contract with CI systems the README's
// "Exit codes" states.
const (
	exitValid   = 0
	exitInvalid = 1
	exitUnknown = 2
	exitUsage   = 254 // bad arguments, scenario or history file
	exitHarness = 255 // the harness or the target failed
)

// exitError carries an exit code out of a cobra command.
type exitError struct {
	code int
	err  error
	// quiet errors are not printed: the verdict they carry was already
	// printed as the command's output.
	quiet bool
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// usageErr marks err as the user's input being wrong (exit 254).
func usageErr(err error) error { return &exitError{code: exitUsage, err: err} }

// usagef is usageErr with formatting.
func usagef(format string, args ...any) error { return usageErr(fmt.Errorf(format, args...)) }

// harnessErr marks err as a failure of d1check or its target (exit 255).
func harnessErr(err error) error { return &exitError{code: exitHarness, err: err} }

// codeOf maps an error returned by a command to the process exit code.
// An error nobody classified is a harness failure: d1check never turns an
// unexpected error into a passing exit code.
func codeOf(err error) int {
	if err == nil {
		return exitValid
	}
	var e *exitError
	if errors.As(err, &e) {
		return e.code
	}
	return exitHarness
}
