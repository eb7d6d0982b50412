package workloads

import (
	"errors"
	"strconv"

	"github.com/d1check/d1check/d1"
	"github.com/d1check/d1check/history"
	"github.com/d1check/d1check/opspec"
)

// Env is what one request's handler sees: env.DB, and the bookmark the
// client sent with the request (the x-d1-bookmark header of Cloudflare's
// starter template), empty when the client sends none. It remembers the
// sessions the handler opened, so the runner can hand the client the
// bookmark the response would carry.
//
// An Env serves one request at a time; the runner makes a fresh one per op.
type Env struct {
	DB *d1.Database
	// Bookmark is the bookmark carried in from the client's previous
	// response (bookmark policy "carry"), or "" (policy "none").
	Bookmark string
	// Client and Region say who sends the request and from where (the
	// HTTP workload sends it to that region's socket of the app).
	Client int
	Region string
	// HTTP is set by a workload that sent an HTTP request, for the
	// history's completion event.
	HTTP     *history.HTTP
	opened   []*d1.Session
	received string
}

// Respond records a bookmark the response handed back (an HTTP
// workload's app): the client keeps it if it is newer than what it had.
func (e *Env) Respond(bookmark string) { e.received = bookmark }

// Session opens the template's session: withSession(bookmark ??
// 'first-unconstrained'). This is what "use withSession() for the request"
// means in code that carries bookmarks, and plain withSession() in code
// that does not.
func (e *Env) Session() *d1.Session {
	arg := d1.FirstUnconstrained
	if e.Bookmark != "" {
		arg = e.Bookmark
	}
	return e.track(e.DB.WithSession(arg))
}

// SessionFrom opens withSession(constraint) ignoring any carried bookmark,
// as code that names a constraint does.
func (e *Env) SessionFrom(constraint string) *d1.Session {
	return e.track(e.DB.WithSession(constraint))
}

// SessionArg is withSession(arg) for an arbitrary JavaScript value; see
// d1.Database.WithSessionArg.
func (e *Env) SessionArg(arg any) (*d1.Session, error) {
	s, err := e.DB.WithSessionArg(arg)
	if err != nil {
		return nil, err
	}
	return e.track(s), nil
}

func (e *Env) track(s *d1.Session) *d1.Session {
	e.opened = append(e.opened, s)
	return s
}

// ResponseBookmark is the bookmark the client holds after the response:
// for a Go workload, the one the handler would send back:
// the newest getBookmark() of the sessions it opened, or the bookmark it
// was sent when it opened none that has one (a plain env.DB handler
// leaves the client's bookmark as it was).
func (e *Env) ResponseBookmark() string {
	out := e.Bookmark
	if b := e.received; b != "" && (out == "" || d1.CompareBookmarks(out, b) < 0) {
		out = b
	}
	for _, s := range e.opened {
		if b, ok := s.Bookmark(); ok && (out == "" || d1.CompareBookmarks(out, b) < 0) {
			out = b
		}
	}
	return out
}

// Preparer is what the guide's "D1Database | D1Session" parameter accepts:
// both have prepare().
type Preparer interface {
	Prepare(sql string) *d1.Statement
}

// GuideConn returns what the guide's read-then-write code queries through
// in the given variant: env.DB (plain), withSession() (unconstrained),
// withSession('first-primary') (first-primary), or the guide's literal
// withSession({constraint: 'first_unconditional'}), which throws.
// ok is false for a variant that is not one of these.
func (e *Env) GuideConn(variant string) (conn Preparer, ok bool, err error) {
	switch variant {
	case Plain:
		return e.DB, true, nil
	case Unconstrained:
		return e.Session(), true, nil
	case FirstPrimary:
		return e.SessionFrom(d1.FirstPrimary), true, nil
	case GuideLiteral:
		s, err := e.SessionArg(map[string]string{"constraint": "first_unconditional"})
		if err != nil {
			return nil, true, NotApplied(err)
		}
		return s, true, nil
	}
	return nil, false, nil
}

// notApplied marks an error after which the op certainly had no effect,
// even though the error itself may be indeterminate (say, a timeout on the
// SELECT before any write was sent).
type notApplied struct{ err error }

func (e notApplied) Error() string { return e.err.Error() }
func (e notApplied) Unwrap() error { return e.err }

// NotApplied wraps err to say the op wrote nothing: the runner then
// records "fail", never "info". nil stays nil.
func NotApplied(err error) error {
	if err == nil {
		return nil
	}
	return notApplied{err}
}

// IsNotApplied reports whether err was wrapped by NotApplied.
func IsNotApplied(err error) bool {
	var na notApplied
	return errors.As(err, &na)
}

// Outcome is how an op completed, as far as its client can tell; the
// runner records it as the completion's type in the history.
type Outcome uint8

// The outcomes, named as the history names them.
const (
	// OK: the op took effect.
	OK Outcome = iota + 1
	// Fail: the op certainly had no effect.
	Fail
	// Info: the op may or may not have taken effect.
	Info
)

func (o Outcome) String() string {
	switch o {
	case OK:
		return "ok"
	case Fail:
		return "fail"
	case Info:
		return "info"
	}
	return "outcome(" + strconv.Itoa(int(o)) + ")"
}

// OutcomeOf classifies an op's error the way the history must record it:
// ok when err is nil; info when the op may have written and the outcome is
// unknown (d1.Indeterminate); fail otherwise. Whether the op may have
// written is its declared shape's (opspec): a read that fails changed
// nothing, so its failure is certain. An op opspec does not declare is
// taken to write.
func OutcomeOf(op Op, err error) Outcome {
	switch {
	case err == nil:
		return OK
	case d1.Indeterminate(err) && !ReadOnly(op.F) && !IsNotApplied(err):
		return Info
	}
	return Fail
}

// ReadOnly reports whether op f only reads, as its declared shape says.
func ReadOnly(f string) bool {
	sh, ok := opspec.ShapeOf(f)
	return ok && sh.ReadOnly()
}
