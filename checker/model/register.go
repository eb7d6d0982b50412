package model

import "hash/maphash"

// Unset is the register's value before any write, as compact JSON.
const Unset = "null"

var registerSeed = maphash.MakeSeed()

var register = Spec{
	Kind: Register,
	Init: Unset,
	Step: func(s any, in Input, out *Output) (bool, any) {
		switch in.Action {
		case Write:
			return true, in.Value
		case Read:
			return out.Value == s.(string), s
		}
		return false, s
	},
	Effect: func(s any, in Input) (any, bool) {
		if in.Action == Write {
			return in.Value, true
		}
		return s, false
	},
	Hash:          func(s any) uint64 { return maphash.String(registerSeed, s.(string)) },
	DescribeState: func(s any) string { return s.(string) },
}
