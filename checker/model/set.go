package model

import (
	"hash/maphash"
	"slices"
	"strings"
)

// The grow-only set's state is its elements, sorted and joined by
// setSep: a string, so that porcupine can compare and hash states, and
// small sets (a user's orders, a cart) stay cheap.
const setSep = "\x00"

var setSeed = maphash.MakeSeed()

var set = Spec{
	Kind: SetKind,
	Init: "",
	Step: func(s any, in Input, out *Output) (bool, any) {
		st := s.(string)
		switch in.Action {
		case SetAdd:
			return true, addElement(st, in.Value)
		case SetRead:
			return SetState(out.Elements) == st, st
		case SetAddRead:
			next := addElement(st, in.Value)
			return SetState(out.Elements) == next, next
		}
		return false, st
	},
	Effect: func(s any, in Input) (any, bool) {
		st := s.(string)
		if in.Action == SetAdd || in.Action == SetAddRead {
			next := addElement(st, in.Value)
			return next, next != st
		}
		return st, false
	},
	Hash: func(s any) uint64 { return maphash.String(setSeed, s.(string)) },
	DescribeState: func(s any) string {
		return "{" + strings.Join(SetElements(s.(string)), ", ") + "}"
	},
}

// SetState is the state holding exactly elements (duplicates collapse:
// a read of a set never shows one element twice, and a checker that
// wants to flag that does so before the model).
func SetState(elements []string) string {
	if len(elements) == 0 {
		return ""
	}
	e := slices.Clone(elements)
	slices.Sort(e)
	e = slices.Compact(e)
	return strings.Join(e, setSep)
}

// SetElements is a state's elements, sorted.
func SetElements(state string) []string {
	if state == "" {
		return nil
	}
	return strings.Split(state, setSep)
}

func addElement(state, e string) string {
	es := SetElements(state)
	if i, found := slices.BinarySearch(es, e); !found {
		es = slices.Insert(es, i, e)
	}
	return strings.Join(es, setSep)
}
