// Package model holds d1check's sequential specifications for porcupine:
// create-once (a user per email), single-use (a magic code), register, and
// compare-and-set (a refresh token).
//
// Each model is written once, as two pure functions on a small comparable
// state: Step for an operation whose output is known, and Effect for one
// whose output is not (an "info" completion: a timeout or a lost
// connection). From those two, Spec builds both porcupine models the
// checker needs: a deterministic Model for the common partition where every
// operation completed, and a NondeterministicModel for a partition with
// indeterminate operations, in which such an operation may or may not have
// taken effect. Keeping the deterministic path matters for speed: porcupine's
// power-set construction boxes every state set, and almost every partition
// of a real run has no indeterminate operation at all.
package model

import (
	"fmt"

	"github.com/anishathalye/porcupine"
)

// Kind names a model.
type Kind uint8

const (
	// CreateOnce is a row created at most once per key: getOrCreateUser.
	CreateOnce Kind = iota + 1
	// SingleUse is a code issued once and accepted at most once.
	SingleUse
	// Register is a single value, written and read.
	Register
	// CompareAndSet is a value replaced only from the value read: a
	// session's refresh token.
	CompareAndSet
	// VersionedKind is an entity whose writes carry increasing versions,
	// read with lag allowed but never backwards.
	VersionedKind
)

// Kinds lists every model, in a fixed order.
var Kinds = []Kind{CreateOnce, SingleUse, Register, CompareAndSet, VersionedKind}

func (k Kind) String() string {
	switch k {
	case CreateOnce:
		return "create-once"
	case SingleUse:
		return "single-use"
	case Register:
		return "register"
	case CompareAndSet:
		return "compare-and-set"
	case VersionedKind:
		return "versioned"
	}
	return fmt.Sprintf("model(%d)", uint8(k))
}

// Action is what an operation does, in model terms. Several history ops can
// map onto one action (create_session is a register write).
type Action uint8

const (
	GetOrCreate Action = iota + 1 // create-once: read, insert if absent
	Get                           // create-once: read
	List                          // create-once: final read of every row for the key
	Issue                         // single-use: issue the code
	Verify                        // single-use: accept the code if issued and unused
	ReadCode                      // single-use: final read of the code's state
	Write                         // register: set the value
	Read                          // register: read the value
	Refresh                       // compare-and-set: replace the token read (Output.Old) with Input.Value
	ReadToken                     // compare-and-set: final read of the token (Output.Old)
	Advance                       // versioned: write version Input.Version
	Observe                       // versioned: read; the version was in [Output.Lo, Output.Hi]
)

// Kind is the model an action belongs to.
func (a Action) Kind() Kind {
	switch a {
	case GetOrCreate, Get, List:
		return CreateOnce
	case Issue, Verify, ReadCode:
		return SingleUse
	case Write, Read:
		return Register
	case Refresh, ReadToken:
		return CompareAndSet
	case Advance, Observe:
		return VersionedKind
	}
	return 0
}

// ReadOnly reports whether the action never changes the state. An
// indeterminate read-only operation constrains nothing (no effect, no
// output), which is why the checker can leave it out.
func (a Action) ReadOnly() bool {
	switch a {
	case Get, List, ReadCode, Read, ReadToken, Observe:
		return true
	}
	return false
}

func (a Action) String() string {
	switch a {
	case GetOrCreate:
		return "get_or_create"
	case Get:
		return "get"
	case List:
		return "list"
	case Issue:
		return "issue"
	case Verify:
		return "verify"
	case ReadCode:
		return "read_code"
	case Write:
		return "write"
	case Read:
		return "read"
	case Refresh:
		return "refresh"
	case ReadToken:
		return "read_token"
	case Advance:
		return "advance"
	case Observe:
		return "observe"
	}
	return fmt.Sprintf("action(%d)", uint8(a))
}

// Input is an operation's input. Value is a register write's value as
// compact JSON, or the new token of a refresh; the other actions need
// nothing beyond the partition's key.
type Input struct {
	Action  Action
	Value   string
	Version int64 // Advance: the version written
}

// Output is an operation's result. Only the fields of its action matter.
type Output struct {
	// Unknown marks an indeterminate operation: it may or may not have
	// taken effect, and nothing it returned can be trusted.
	Unknown bool
	Found   bool    // Get: a user exists
	ID      int64   // GetOrCreate, Get (when Found): the user's id
	Created bool    // GetOrCreate: this call inserted the row
	IDs     []int64 // List: every id stored for the key
	Valid   bool    // Verify: the code was accepted
	Issued  bool    // ReadCode
	Used    bool    // ReadCode
	Value   string  // Read: the value as compact JSON ("null" when unset)
	// Refresh: whether this call replaced the token, and the token it read
	// (empty when it found no session). ReadToken: the token, empty when
	// the session is gone.
	Refreshed bool
	Old       string
	// Observe: the version read was in [Lo, Hi], both included, so that
	// every version up to 2^63-1 is expressible; Hi is NoBound when the
	// read bounds it only from below.
	Lo, Hi int64
}

// Spec is one model as pure functions on its state.
type Spec struct {
	Kind Kind
	// Init is the state before any operation.
	Init any
	// Step reports whether an operation with a known output is legal in
	// state and returns the next state. It must not be called with an
	// Unknown output.
	Step func(state any, in Input, out *Output) (bool, any)
	// Effect returns the state after the operation took effect with an
	// unknown output; ok is false when it cannot take effect in state (or
	// taking effect would not change it).
	Effect func(state any, in Input) (next any, ok bool)
	// Hash agrees with ==, which is the states' equality.
	Hash          func(state any) uint64
	DescribeState func(state any) string
}

// For returns the spec of model k.
func For(k Kind) Spec {
	switch k {
	case CreateOnce:
		return createOnce
	case SingleUse:
		return singleUse
	case Register:
		return register
	case CompareAndSet:
		return compareAndSet
	case VersionedKind:
		return versioned
	}
	panic(fmt.Sprintf("model.For(%v): no such model", k))
}

// Model is the deterministic porcupine model: every operation given to it
// must have a known output.
func (s Spec) Model() porcupine.Model {
	return porcupine.Model{
		Init: func() any { return s.Init },
		Step: func(state, in, out any) (bool, any) {
			o := out.(*Output)
			if o.Unknown {
				// The checker never sends one here; refusing it keeps a
				// mistake from ever passing silently.
				return false, state
			}
			return s.Step(state, in.(Input), o)
		},
		Equal:             equal,
		Hash:              s.Hash,
		DescribeOperation: describeOperation,
		DescribeState:     s.DescribeState,
	}
}

// Nondeterministic is the model for partitions with indeterminate
// operations: such an operation steps to the state it found (it did not
// take effect) and, when it can, to its effect (it did). Its output is
// never checked. Porcupine merges the resulting state sets.
func (s Spec) Nondeterministic() porcupine.NondeterministicModel {
	return porcupine.NondeterministicModel{
		Init: func() []any { return []any{s.Init} },
		Step: func(state, in, out any) []any {
			i, o := in.(Input), out.(*Output)
			if o.Unknown {
				if next, ok := s.Effect(state, i); ok && next != state {
					return []any{state, next}
				}
				return []any{state}
			}
			if ok, next := s.Step(state, i, o); ok {
				return []any{next}
			}
			return nil
		},
		Equal:             equal,
		Hash:              s.Hash,
		DescribeOperation: describeOperation,
		DescribeState:     s.DescribeState,
	}
}

// equal is == on the models' comparable states, spelled out so that
// porcupine's cache never depends on a default.
func equal(a, b any) bool { return a == b }

func describeOperation(in, out any) string {
	i, o := in.(Input), out.(*Output)
	var res string
	switch {
	case o.Unknown:
		res = "?"
	case i.Action == GetOrCreate:
		res = fmt.Sprintf("id=%d created=%t", o.ID, o.Created)
	case i.Action == Get && o.Found:
		res = fmt.Sprintf("id=%d", o.ID)
	case i.Action == Get:
		res = "null"
	case i.Action == List:
		res = fmt.Sprintf("ids=%v", o.IDs)
	case i.Action == Verify:
		res = fmt.Sprintf("valid=%t", o.Valid)
	case i.Action == ReadCode:
		res = fmt.Sprintf("issued=%t used=%t", o.Issued, o.Used)
	case i.Action == Read:
		res = o.Value
	case i.Action == Refresh:
		res = fmt.Sprintf("refreshed=%t old=%q", o.Refreshed, o.Old)
	case i.Action == ReadToken:
		res = fmt.Sprintf("%q", o.Old)
	case i.Action == Observe && o.Hi == NoBound:
		res = fmt.Sprintf("v>=%d", o.Lo)
	case i.Action == Observe && o.Lo == o.Hi:
		res = fmt.Sprintf("v%d", o.Lo)
	case i.Action == Observe:
		res = fmt.Sprintf("v in [%d,%d]", o.Lo, o.Hi)
	default:
		res = "ok"
	}
	switch i.Action {
	case Write:
		return fmt.Sprintf("write(%s) -> %s", i.Value, res)
	case Refresh:
		return fmt.Sprintf("refresh(%q) -> %s", i.Value, res)
	case Advance:
		return fmt.Sprintf("advance(v%d) -> %s", i.Version, res)
	}
	return fmt.Sprintf("%s() -> %s", i.Action, res)
}

// mix is a 64-bit finalizer (splitmix64): cheap, and spreads the few bits a
// small state has over the whole hash, which porcupine XORs with the
// linearized set's hash.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}
