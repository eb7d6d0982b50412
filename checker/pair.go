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
func pairOps(events []history.Event) ([]*Op, error) {
	p := newPairer()
	for i := range events {
		if err := p.add(&events[i]); err != nil {
			return nil, err
		}
	}
	return p.finish(), nil
}

// pairer pairs events one at a time, so that a history streamed from a
// file never has to be held whole: only its operations are. The ops live
// in fixed-size blocks, so that a million of them are never copied to
// grow a slice.
type pairer struct {
	ops   []*Op
	block []Op
	open  map[int]*Op // process -> its open invoke
	last  int64       // the latest event's time
}

const opBlock = 4096

func newPairer() *pairer { return &pairer{open: map[int]*Op{}} }

// alloc returns a new op, zeroed.
func (p *pairer) alloc() *Op {
	if len(p.block) == cap(p.block) {
		p.block = make([]Op, 0, opBlock)
	}
	p.block = p.block[:len(p.block)+1]
	o := &p.block[len(p.block)-1]
	p.ops = append(p.ops, o)
	return o
}

// maxTime bounds an event's time, so that the partitions' spread times
// (4t+3, see partition.operations) never overflow or reach infinity: 2^60
// ns is 36 years.
const maxTime = 1 << 60

func (p *pairer) add(e *history.Event) error {
	if e.Time > maxTime || e.Time < 0 {
		return inputError(e, "time %d is not nanoseconds since the run started (want 0 to %d, 36 years)", e.Time, int64(maxTime))
	}
	p.last = e.Time
	switch e.Type {
	case history.Nemesis:
		return nil
	case history.Invoke:
		if open, ok := p.open[e.Process]; ok {
			return inputError(e, "process %d invokes %s while its invoke at event %d is outstanding", e.Process, e.F, open.Invoke)
		}
		op, err := newOp(e)
		if err != nil {
			return err
		}
		o := p.alloc()
		*o = op
		p.open[e.Process] = o
	case history.OK, history.Fail, history.Info:
		o, ok := p.open[e.Process]
		if !ok {
			return inputError(e, "%s completion of %s by process %d has no outstanding invoke", e.Type, e.F, e.Process)
		}
		delete(p.open, e.Process)
		return complete(o, e)
	default:
		return inputError(e, "type %q is not one of invoke, ok, fail, info, nemesis", e.Type)
	}
	return nil
}

// finish returns the ops; an invoke the history never completed has an
// unknown outcome.
func (p *pairer) finish() []*Op {
	for _, op := range p.open {
		op.Type, op.Out.Unknown, op.Return, op.Complete, op.Err = history.Info, true, p.last, -1, history.NoCompletionError
	}
	return p.ops
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
