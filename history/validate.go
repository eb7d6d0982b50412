package history

import (
	"fmt"
	"sort"
)

// validator checks, one event at a time, the structure every checker
// relies on: indexes are positions, time never goes backwards, and each
// process is single-threaded (invoke, then exactly one completion; nothing
// after info). Its memory is proportional to the number of processes.
type validator struct {
	n           int
	last        int64
	outstanding map[int]Event // process -> its open invoke
	crashed     map[int]int   // process -> index of its info completion
}

func newValidator() *validator {
	return &validator{outstanding: map[int]Event{}, crashed: map[int]int{}}
}

func (v *validator) add(e *Event) error {
	if e.Index != v.n {
		return &fieldError{"index", fmt.Sprintf("is %d, want %d (the event's position)", e.Index, v.n)}
	}
	if e.Time < 0 {
		return &fieldError{"time", fmt.Sprintf("%d is negative: times are nanoseconds since the run started", e.Time)}
	}
	if e.Time < v.last {
		return &fieldError{"time", fmt.Sprintf("%d goes backwards (the previous event is at %d)", e.Time, v.last)}
	}
	if e.F == "" {
		return &fieldError{"f", "missing"}
	}
	switch e.Type {
	case Invoke:
		if err := v.invoke(e); err != nil {
			return err
		}
	case OK, Fail, Info:
		if err := v.complete(e); err != nil {
			return err
		}
	case Nemesis:
	default:
		return &fieldError{"type", fmt.Sprintf("%q is not one of invoke, ok, fail, info, nemesis", e.Type)}
	}
	v.n++
	v.last = e.Time
	return nil
}

func (v *validator) invoke(e *Event) error {
	if e.Process < 0 {
		return &fieldError{"process", fmt.Sprintf("%d is negative", e.Process)}
	}
	if open, ok := v.outstanding[e.Process]; ok {
		return &fieldError{"process", fmt.Sprintf("%d invokes again while its invoke at index %d (line %d) is outstanding", e.Process, open.Index, open.Line)}
	}
	if at, ok := v.crashed[e.Process]; ok {
		return &fieldError{"process", fmt.Sprintf("%d invokes again after its info completion at index %d; a client continues under a new process id", e.Process, at)}
	}
	v.outstanding[e.Process] = *e
	return nil
}

func (v *validator) complete(e *Event) error {
	open, ok := v.outstanding[e.Process]
	if !ok {
		return &fieldError{"process", fmt.Sprintf("%d completes (%s) with no outstanding invoke", e.Process, e.Type)}
	}
	if open.F != e.F {
		return &fieldError{"f", fmt.Sprintf("%q completes an invoke of %q (index %d)", e.F, open.F, open.Index)}
	}
	if open.Key != e.Key {
		return &fieldError{"key", fmt.Sprintf("%q completes an invoke on key %q (index %d)", e.Key, open.Key, open.Index)}
	}
	delete(v.outstanding, e.Process)
	if e.Type == Info {
		v.crashed[e.Process] = e.Index
	}
	return nil
}

// finish returns an info completion, in invoke order, for every invoke the
// history never completed: its outcome is unknown, exactly as if the client
// had timed out when the run ended.
func (v *validator) finish() []Event {
	open := make([]Event, 0, len(v.outstanding))
	for _, e := range v.outstanding {
		open = append(open, e)
	}
	sort.Slice(open, func(i, j int) bool { return open[i].Index < open[j].Index })
	out := make([]Event, len(open))
	for i, inv := range open {
		out[i] = Event{
			Index: v.n + i, Type: Info, Process: inv.Process, Session: inv.Session,
			Variant: inv.Variant, F: inv.F, Key: inv.Key, Error: NoCompletionError, Time: v.last,
		}
	}
	return out
}
