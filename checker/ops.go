package checker

import (
	"sort"
	"strings"

	"github.com/d1check/d1check/checker/model"
	"github.com/d1check/d1check/history"
	"github.com/d1check/d1check/opspec"
)

// opSpec maps a history op (its f) onto a checker model.
type opSpec struct {
	action model.Action
	// decodeIn fills the input from the invoke's value; nil when the action
	// needs nothing beyond the key.
	decodeIn func(v []byte, in *model.Input) error
	// decodeOut fills the output from an ok completion's value.
	decodeOut func(v []byte, out *model.Output) error
	// noun names what the key is, for explanations ("email", "code").
	noun string
	// shape is the op's declared shape, for sentences that depend on it.
	shape opspec.Shape
}

// shapes is how the checker reads each shape opspec declares: the model
// action and the value decoders. A shape missing here is a test failure
// (TestEveryShapeDecodes), never a silent skip.
var shapes = map[opspec.Shape]opSpec{
	opspec.GetOrCreate: {action: model.GetOrCreate, decodeOut: decodeGetOrCreate},
	opspec.Get:         {action: model.Get, decodeOut: decodeGetUser},
	opspec.List:        {action: model.List, decodeOut: decodeListUsers},
	opspec.Issue:       {action: model.Issue, decodeOut: decodeEmpty},
	opspec.Verify:      {action: model.Verify, decodeOut: decodeVerify},
	opspec.ReadCode:    {action: model.ReadCode, decodeOut: decodeReadCode},
	opspec.Write:       {action: model.Write, decodeIn: decodeWriteIn, decodeOut: decodeEmpty},
	opspec.Read:        {action: model.Read, decodeOut: decodeReadOut},
	// The auth workload's session rows are registers: a login writes who
	// logged in (the user's email, or user_id when the values carry no
	// email), a logout writes null, a hook reads one or the other.
	opspec.Login:       {action: model.Write, decodeIn: decodeCreateSessionIn, decodeOut: decodeEmpty},
	opspec.Logout:      {action: model.Write, decodeIn: decodeDeleteSessionIn, decodeOut: decodeEmpty},
	opspec.ReadSession: {action: model.Read, decodeOut: decodeReadSession},
	// A session's refresh token is a compare-and-set register under the
	// same key: a refresh replaces the token it read, read_token is the
	// final read.
	opspec.Refresh:   {action: model.Refresh, decodeIn: decodeRefreshIn, decodeOut: decodeRefreshOut},
	opspec.ReadToken: {action: model.ReadToken, decodeOut: decodeReadToken},
	opspec.Advance:   {action: model.Advance, decodeIn: decodeAdvanceIn, decodeOut: decodeEmpty},
	opspec.Observe:   {action: model.Observe, decodeOut: decodeObserveOut},
	// A grow-only set (an app's list of orders or uploads).
	opspec.SetAdd:     {action: model.SetAdd, decodeIn: decodeElementIn, decodeOut: decodeEmpty},
	opspec.SetRead:    {action: model.SetRead, decodeOut: decodeElementsOut},
	opspec.SetAddRead: {action: model.SetAddRead, decodeIn: decodeElementIn, decodeOut: decodeElementsOut},
}

// ops is every op the checker knows, by f: opspec's declarations read
// through shapes. An op missing from it is an error, never skipped.
var ops = opsOf(opspec.All())

func opsOf(decl []opspec.Op) map[string]*opSpec {
	out := make(map[string]*opSpec, len(decl))
	for _, d := range decl {
		spec, ok := shapes[d.Shape]
		if !ok {
			continue // TestEveryShapeDecodes names it
		}
		spec.noun, spec.shape = d.Noun, d.Shape
		out[d.F] = &spec
	}
	return out
}

// Op is one operation of the history: an invoke paired with its
// completion. Ops are named in explanations by the index of their
// completion event, the one that carries the result.
type Op struct {
	Invoke, Complete int // event indexes
	Line             int // the completion's line (the invoke's if synthesized)
	Process          int
	Session, Variant string
	F, Key           string
	Type             history.Type // OK, Fail or Info
	// Call and Return are nanoseconds; Return is the completion's time even
	// for an info op (porcupine gets infinity instead).
	Call, Return int64
	In           model.Input
	Out          model.Output
	Trace        []history.Statement
	Err          string // the completion's error, for fail and info
	// HTTP is the request an app op sent (an http workload), nil otherwise.
	HTTP *history.HTTP
	spec *opSpec
}

// precedes reports whether o returned before b was invoked. The history
// is in the order things happened (the recorder reads the clock as it
// writes each event, under one lock), so the events' positions say it even
// when both happened at one clock instant, which times cannot. An op
// without a completion never precedes anything.
func (o *Op) precedes(b *Op) bool { return o.Complete >= 0 && o.Complete < b.Invoke }

// Model is the model the op belongs to.
func (o *Op) Model() model.Kind { return o.In.Action.Kind() }

// known reports whether the op certainly took effect and its output can be
// trusted.
func (o *Op) known() bool { return o.Type == history.OK }

// knownOps lists the ops the checker knows, for error messages.
func knownOps() string {
	names := make([]string, 0, len(ops))
	for f := range ops {
		names = append(names, f)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}
