package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

// interrupted is the cause of the commands' context when SIGINT or
// SIGTERM stopped it, so that a command can exit as a shell expects of a
// process a signal stopped: 128 + the signal's number (130, 143).
type interrupted struct{ sig syscall.Signal }

func (e interrupted) Error() string { return "interrupted by " + signalName(e.sig) }

func (e interrupted) code() int { return 128 + int(e.sig) }

// Is makes an interruption a cancellation, as os/signal's own cause is:
// code that treats context.Canceled as a normal stop keeps doing so.
func (e interrupted) Is(target error) bool { return target == context.Canceled }

func signalName(s syscall.Signal) string {
	switch s {
	case syscall.SIGINT:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	}
	return s.String()
}

// interruptContext returns a context canceled, with an interrupted cause, on
// the first SIGINT or SIGTERM. stop releases the signals and waits for the
// watcher goroutine, which it owns, to return.
func interruptContext(parent context.Context) (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancelCause(parent)
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		defer close(done)
		select {
		case s := <-ch:
			sig, _ := s.(syscall.Signal)
			cancel(interrupted{sig})
		case <-ctx.Done():
		}
	}()
	return ctx, func() {
		signal.Stop(ch)
		cancel(nil)
		<-done
	}
}

// interruptedErr is a command's error when a signal ended ctx: the
// signal's exit code, and a message that says what was interrupted and
// what it left ("no verdict", where the history so far is).
func interruptedErr(ctx context.Context, what, left string) error {
	var in interrupted
	if !errors.As(context.Cause(ctx), &in) {
		return harnessErr(fmt.Errorf("%s: %w", what, context.Cause(ctx)))
	}
	return &exitError{code: in.code(), err: fmt.Errorf("%s: %v, %s", what, in, left)}
}

// signalExit is the error a command ended by a signal exits with, whatever
// it returned: the signal's code (128 + its number), as a shell expects of
// a process a signal stopped, so that a script or CI tells an interrupted
// run from a verdict or a failure. A command says itself what it left
// (interruptedErr); an error from work cut short by the signal keeps its
// message under the signal's code.
func signalExit(ctx context.Context, err error) error {
	var in interrupted
	if !errors.As(context.Cause(ctx), &in) {
		return err
	}
	var e *exitError
	switch {
	case errors.As(err, &e) && e.code == in.code():
		return err
	case err == nil || errors.As(err, &e) && e.quiet:
		return &exitError{code: in.code(), err: in}
	}
	return &exitError{code: in.code(), err: fmt.Errorf("%w (%v)", err, in)}
}
