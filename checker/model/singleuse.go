package model

import "fmt"

// Code is the single-use state of one magic code.
type Code struct {
	Issued bool
	Used   bool
}

var singleUse = Spec{
	Kind:   SingleUse,
	Init:   Code{},
	Step:   func(s any, in Input, out *Output) (bool, any) { return stepCode(s.(Code), in, out) },
	Effect: func(s any, in Input) (any, bool) { return effectCode(s.(Code), in) },
	Hash: func(s any) uint64 {
		c := s.(Code)
		var h uint64
		if c.Issued {
			h |= 1
		}
		if c.Used {
			h |= 2
		}
		return mix(h)
	},
	DescribeState: func(s any) string {
		c := s.(Code)
		return fmt.Sprintf("issued=%t used=%t", c.Issued, c.Used)
	},
}

// usable is the only state in which a verify succeeds.
func (c Code) usable() bool { return c.Issued && !c.Used }

func stepCode(s Code, in Input, out *Output) (bool, any) {
	switch in.Action {
	case Issue:
		return true, Code{Issued: true, Used: s.Used}
	case Verify:
		if out.Valid {
			return s.usable(), Code{Issued: true, Used: true}
		}
		return !s.usable(), s
	case ReadCode:
		return out.Issued == s.Issued && out.Used == s.Used, s
	}
	return false, s
}

func effectCode(s Code, in Input) (any, bool) {
	switch in.Action {
	case Issue:
		return Code{Issued: true, Used: s.Used}, !s.Issued
	case Verify:
		return Code{Issued: true, Used: true}, s.usable()
	}
	return s, false
}
