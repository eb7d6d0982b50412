package model

import "hash/maphash"

// Token is the compare-and-set state of a login session's refresh token.
// Known is false until an operation reveals the token: the session row was
// created with a token the refresh ops never see written, so the first
// refresh (or final read) names it, as create-once learns an unknown id.
type Token struct {
	Known bool
	Value string
}

var tokenSeed = maphash.MakeSeed()

// compareAndSet models token refresh: a refresh replaces the token it read
// (Output.Old) with a new one (Input.Value), and is legal only if the
// token it read is still current when it takes effect. Two refreshes that
// both replace one old token cannot both be legal, in any order: the
// second overwrote the first's new tokens, a lost update. That is exactly
// what "SELECT then UPDATE … WHERE id = ?" allows and "UPDATE … WHERE
// refresh_token = old" does not.
var compareAndSet = Spec{
	Kind:   CompareAndSet,
	Init:   Token{},
	Step:   func(s any, in Input, out *Output) (bool, any) { return stepToken(s.(Token), in, out) },
	Effect: func(s any, in Input) (any, bool) { return effectToken(s.(Token), in) },
	Hash: func(s any) uint64 {
		t := s.(Token)
		if !t.Known {
			return mix(0)
		}
		return maphash.String(tokenSeed, t.Value)
	},
	DescribeState: func(s any) string {
		if t := s.(Token); t.Known {
			return t.Value
		}
		return "?"
	},
}

// holds reports whether the token can be v.
func (t Token) holds(v string) bool { return !t.Known || t.Value == v }

func stepToken(s Token, in Input, out *Output) (bool, any) {
	switch in.Action {
	case Refresh:
		switch {
		case out.Refreshed:
			return s.holds(out.Old), Token{Known: true, Value: in.Value}
		case out.Old != "":
			// A compare-and-set from Old that changed nothing: the token
			// was no longer Old.
			return !s.Known || s.Value != out.Old, s
		}
		return true, s // found no session to refresh: no claim
	case ReadToken:
		if out.Old == "" {
			return true, s // the session is gone: no claim on the token
		}
		return s.holds(out.Old), Token{Known: true, Value: out.Old}
	}
	return false, s
}

// effectToken: an indeterminate refresh may have set its new token from
// whatever token was current (over-approximating a conditional update,
// which can hide an anomaly but never invent one).
func effectToken(s Token, in Input) (any, bool) {
	if in.Action == Refresh {
		return Token{Known: true, Value: in.Value}, true
	}
	return s, false
}
