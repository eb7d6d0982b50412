package model

import "fmt"

// User is the create-once state: whether the row exists and its id. Known
// is false when an indeterminate get_or_create may have inserted it: the id
// is then learnt from the first operation that returns it.
type User struct {
	Present bool
	Known   bool
	ID      int64
}

var createOnce = Spec{
	Kind:   CreateOnce,
	Init:   User{},
	Step:   func(s any, in Input, out *Output) (bool, any) { return stepUser(s.(User), in, out) },
	Effect: func(s any, in Input) (any, bool) { return effectUser(s.(User), in) },
	Hash: func(s any) uint64 {
		u := s.(User)
		h := uint64(u.ID) << 2
		if u.Present {
			h |= 1
		}
		if u.Known {
			h |= 2
		}
		return mix(h)
	},
	DescribeState: func(s any) string {
		u := s.(User)
		switch {
		case !u.Present:
			return "absent"
		case !u.Known:
			return "present(id ?)"
		}
		return fmt.Sprintf("present(id %d)", u.ID)
	},
}

func stepUser(s User, in Input, out *Output) (bool, any) {
	switch in.Action {
	case GetOrCreate:
		if !s.Present {
			// Only an insert can answer for an absent row.
			return out.Created, User{Present: true, Known: true, ID: out.ID}
		}
		return !out.Created && s.sees(out.ID), User{Present: true, Known: true, ID: out.ID}
	case Get:
		if !out.Found {
			return !s.Present, s
		}
		return s.Present && s.sees(out.ID), User{Present: true, Known: true, ID: out.ID}
	case List:
		switch len(out.IDs) {
		case 0:
			return !s.Present, s
		case 1:
			return s.Present && s.sees(out.IDs[0]), User{Present: true, Known: true, ID: out.IDs[0]}
		}
		return false, s // two rows for one key: never legal
	}
	return false, s
}

// sees reports whether a present row can have id: the recorded one, or any
// id when an indeterminate insert left it unknown.
func (s User) sees(id int64) bool { return !s.Known || s.ID == id }

func effectUser(s User, in Input) (any, bool) {
	if in.Action == GetOrCreate && !s.Present {
		return User{Present: true}, true
	}
	return s, false
}
