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

// interruptedErr is a command's error when ctx was interrupted: the exit
// code of the signal, and no verdict.
func interruptedErr(ctx context.Context, what string) error {
	var in interrupted
	if !errors.As(context.Cause(ctx), &in) {
		return harnessErr(fmt.Errorf("%s: %w", what, context.Cause(ctx)))
	}
	return &exitError{code: in.code(), err: fmt.Errorf("%s: %v, no verdict", what, in)}
}
