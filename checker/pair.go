package checker

import (
	"fmt"

	"github.com/d1check/d1check/history"
)

// InputError is a history the checker cannot judge, naming the event and
// its line. The checker never skips what it does not understand: an
// unknown op or an undecodable value would otherwise turn into a silent
// pass.
type InputError struct {
	Line  int // 1-based line in the history file; 0 when not read from a file
	Index int // the event's index
	Msg   string
}

func (e *InputError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("line %d (event %d): %s", e.Line, e.Index, e.Msg)
	}
	return fmt.Sprintf("event %d: %s", e.Index, e.Msg)
}

func inputError(e *history.Event, format string, args ...any) *InputError {
	return &InputError{Line: e.Line, Index: e.Index, Msg: fmt.Sprintf(format, args...)}
}

// pairOps turns events into operations in invoke order, decoding each
// value against its op's model. history.Read has already checked the
// structure of a file; pairOps checks it again because a History can also
// be built in Go, and a broken one must be an error, not a panic.
func pairOps(events []history.Event) ([]Op, error) {
	ops := make([]Op, 0, len(events)/2)
	open := make(map[int]int) // process -> position in ops of its open invoke
	for i := range events {
		e := &events[i]
		switch e.Type {
		case history.Nemesis:
			continue
		case history.Invoke:
			if at, ok := open[e.Process]; ok {
				return nil, inputError(e, "process %d invokes %s while its invoke at event %d is outstanding", e.Process, e.F, ops[at].Invoke)
			}
			op, err := newOp(e)
			if err != nil {
				return nil, err
			}
			open[e.Process] = len(ops)
			ops = append(ops, op)
		case history.OK, history.Fail, history.Info:
			at, ok := open[e.Process]
			if !ok {
				return nil, inputError(e, "%s completion of %s by process %d has no outstanding invoke", e.Type, e.F, e.Process)
			}
			delete(open, e.Process)
			if err := complete(&ops[at], e); err != nil {
				return nil, err
			}
		default:
			return nil, inputError(e, "type %q is not one of invoke, ok, fail, info, nemesis", e.Type)
		}
	}
	// An invoke the history never completed has an unknown outcome.
	var last int64
	if n := len(events); n > 0 {
		last = events[n-1].Time
	}
	for _, at := range open {
		op := &ops[at]
		op.Type, op.Out.Unknown, op.Return, op.Complete, op.Err = history.Info, true, last, -1, history.NoCompletionError
	}
	return ops, nil
}

func newOp(e *history.Event) (Op, error) {
	spec, ok := ops[e.F]
	if !ok {
		return Op{}, inputError(e, "unknown op f=%q: the checker has no model for it (known: %s)", e.F, knownOps())
	}
	op := Op{
		Invoke: e.Index, Complete: -1, Line: e.Line, Process: e.Process,
		Session: e.Session, Variant: e.Variant, F: e.F, Key: e.Key,
		Call: e.Time, spec: spec,
	}
	op.In.Action = spec.action
	if spec.decodeIn != nil {
		if err := spec.decodeIn(e.Value, &op.In); err != nil {
			return Op{}, inputError(e, "%s invoke value %s", e.F, err)
		}
	}
	return op, nil
}

func complete(op *Op, e *history.Event) error {
	if e.F != op.F || e.Key != op.Key {
		return inputError(e, "%s on %q completes an invoke of %s on %q (event %d)", e.F, e.Key, op.F, op.Key, op.Invoke)
	}
	op.Complete, op.Line, op.Type, op.Return, op.Trace, op.Err = e.Index, e.Line, e.Type, e.Time, e.Trace, e.Error
	op.HTTP = e.HTTP
	switch e.Type {
	case history.OK:
		if err := op.spec.decodeOut(e.Value, &op.Out); err != nil {
			return inputError(e, "%s ok value %s", e.F, err)
		}
	case history.Info:
		op.Out.Unknown = true
	}
	return nil
}
