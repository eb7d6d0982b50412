package httpspec

import (
	"fmt"
	"strconv"
	"strings"
)

// Path is a compiled JSON path of the small form a web developer writes
// to point into a response: $ then .field, [index] or [*] steps
// ("$.user.id", "$.results[*].orderId", "$[0]"). It is deliberately no
// more: what a scenario reads from a response should be obvious at a
// glance.
type Path struct {
	src   string
	steps []step
}

type step struct {
	field string // "" for an index step
	index int    // -1 for [*]
	isIdx bool
}

// ParsePath compiles src.
func ParsePath(src string) (Path, error) {
	p := Path{src: src}
	if !strings.HasPrefix(src, "$") {
		return p, fmt.Errorf("JSON path %q must start with $ (say $.user.id)", src)
	}
	rest := src[1:]
	for rest != "" {
		switch rest[0] {
		case '.':
			rest = rest[1:]
			n := strings.IndexAny(rest, ".[")
			if n < 0 {
				n = len(rest)
			}
			if n == 0 {
				return p, fmt.Errorf("JSON path %q: empty field name", src)
			}
			p.steps = append(p.steps, step{field: rest[:n]})
			rest = rest[n:]
		case '[':
			end := strings.IndexByte(rest, ']')
			if end < 0 {
				return p, fmt.Errorf("JSON path %q: unclosed [", src)
			}
			in := rest[1:end]
			rest = rest[end+1:]
			if in == "*" {
				p.steps = append(p.steps, step{isIdx: true, index: -1})
				continue
			}
			if q := strings.Trim(in, `'"`); len(q) == len(in)-2 && q != "" {
				p.steps = append(p.steps, step{field: q})
				continue
			}
			i, err := strconv.Atoi(in)
			if err != nil || i < 0 {
				return p, fmt.Errorf("JSON path %q: [%s] is not an index, * or a quoted field", src, in)
			}
			p.steps = append(p.steps, step{isIdx: true, index: i})
		default:
			return p, fmt.Errorf("JSON path %q: unexpected %q (steps are .field, [n] or [*])", src, rest[0])
		}
	}
	return p, nil
}

// String is the path as written.
func (p Path) String() string { return p.src }

// Zero reports whether no path was given.
func (p Path) Zero() bool { return p.src == "" }

// Multi reports whether the path has a [*] step: it selects a list.
func (p Path) Multi() bool {
	for _, s := range p.steps {
		if s.isIdx && s.index < 0 {
			return true
		}
	}
	return false
}

// Lookup evaluates the path on a decoded JSON document. A path without
// [*] yields at most one value; found is false when a step is missing (a
// JSON null on the way is found, as nil). With [*] it yields every match,
// and found is false only when a step before the [*] is missing.
func (p Path) Lookup(doc any) (vals []any, found bool, err error) {
	cur := []any{doc}
	for i, s := range p.steps {
		var next []any
		for _, v := range cur {
			switch {
			case !s.isIdx:
				m, ok := v.(map[string]any)
				if !ok {
					if v == nil && i > 0 {
						continue // null on the way: nothing under it
					}
					return nil, false, fmt.Errorf("%s: %s is %s, not an object", p.src, p.prefix(i), KindOf(v))
				}
				x, ok := m[s.field]
				if !ok {
					if p.Multi() && p.afterStar(i) {
						continue
					}
					return nil, false, nil
				}
				next = append(next, x)
			default:
				a, ok := v.([]any)
				if !ok {
					return nil, false, fmt.Errorf("%s: %s is %s, not an array", p.src, p.prefix(i), KindOf(v))
				}
				if s.index < 0 {
					next = append(next, a...)
				} else if s.index < len(a) {
					next = append(next, a[s.index])
				} else {
					return nil, false, nil
				}
			}
		}
		cur = next
	}
	return cur, true, nil
}

func (p Path) afterStar(i int) bool {
	for _, s := range p.steps[:i] {
		if s.isIdx && s.index < 0 {
			return true
		}
	}
	return false
}

// prefix renders the first i steps, for messages.
func (p Path) prefix(i int) string {
	var b strings.Builder
	b.WriteString("$")
	for _, s := range p.steps[:i] {
		switch {
		case !s.isIdx:
			b.WriteString("." + s.field)
		case s.index < 0:
			b.WriteString("[*]")
		default:
			fmt.Fprintf(&b, "[%d]", s.index)
		}
	}
	return b.String()
}

// KindOf names a decoded JSON value's type, for messages ("a string", "null").
func KindOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case float64:
		return "a number"
	case string:
		return "a string"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}
