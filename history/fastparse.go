package history

import (
	"hash/maphash"
	"strconv"
)

// fastEvent decodes the common event line, as d1check's own writer spells
// it, without encoding/json: known fields only, strings without escapes,
// whole numbers. Anything else (an unknown or repeated field, an escape, a
// null, a float, bad JSON) makes it report false, and the line goes to
// encoding/json, which alone decides errors and unusual spellings. So the
// fast path changes how quickly a line is read, never what it means.
//
// strs interns the strings that repeat from line to line (sessions,
// variants, ops, keys, bookmarks), so a long history holds each once.
func fastEvent(line []byte, strs *interner) (Event, bool) {
	p := fastParser{b: line, strs: strs}
	var e Event
	var seen uint16
	ok := p.object(func(key []byte) bool {
		bit, known := eventFields[string(key)]
		if !known || seen&bit != 0 {
			return false
		}
		seen |= bit
		if dst := eventString(&e, string(key)); dst != nil {
			var ok bool
			*dst, ok = p.str()
			return ok
		}
		switch string(key) {
		case "index":
			n, ok := p.int()
			e.Index = int(n)
			return ok && int64(e.Index) == n
		case "process":
			n, ok := p.int()
			e.Process = int(n)
			return ok && int64(e.Process) == n
		case "time":
			n, ok := p.int()
			e.Time = n
			return ok
		case "type":
			s, ok := p.str()
			e.Type = Type(s)
			return ok
		case "value":
			start := p.i
			if !p.skip() || (p.i-start == 4 && string(line[start:p.i]) == "null") {
				return false
			}
			e.Value = append([]byte(nil), line[start:p.i]...)
			return true
		case "trace":
			return p.trace(&e.Trace)
		}
		return false
	})
	if !ok || !p.end() {
		return Event{}, false
	}
	return e, true
}

// eventString is the string field of e named key, nil for the others.
func eventString(e *Event, key string) *string {
	switch key {
	case "session":
		return &e.Session
	case "variant":
		return &e.Variant
	case "f":
		return &e.F
	case "key":
		return &e.Key
	case "error":
		return &e.Error
	}
	return nil
}

var eventFields = map[string]uint16{
	"index": 1 << 0, "type": 1 << 1, "process": 1 << 2, "session": 1 << 3, "variant": 1 << 4,
	"f": 1 << 5, "key": 1 << 6, "value": 1 << 7, "error": 1 << 8, "time": 1 << 9, "trace": 1 << 10,
}

var statementFields = map[string]uint16{
	"sql": 1 << 0, "bookmark_in": 1 << 1, "bookmark_out": 1 << 2, "served_by": 1 << 3,
	"served_by_primary": 1 << 4, "served_by_region": 1 << 5, "start": 1 << 6, "end": 1 << 7, "error": 1 << 8,
}

// statementString is the string field of st named key, nil for the others.
func statementString(st *Statement, key string) *string {
	switch key {
	case "sql":
		return &st.SQL
	case "bookmark_in":
		return &st.BookmarkIn
	case "bookmark_out":
		return &st.BookmarkOut
	case "served_by":
		return &st.ServedBy
	case "served_by_region":
		return &st.ServedByRegion
	case "error":
		return &st.Error
	}
	return nil
}

func (p *fastParser) trace(out *[]Statement) bool {
	p.ws()
	if !p.lit('[') {
		return false
	}
	p.ws()
	if p.lit(']') {
		*out = []Statement{}
		return true
	}
	for {
		var st Statement
		var seen uint16
		ok := p.object(func(key []byte) bool {
			bit, known := statementFields[string(key)]
			if !known || seen&bit != 0 {
				return false
			}
			seen |= bit
			var ok bool
			if dst := statementString(&st, string(key)); dst != nil {
				*dst, ok = p.str()
				return ok
			}
			switch string(key) {
			case "served_by_primary":
				st.ServedByPrimary, ok = p.bool()
			case "start":
				st.Start, ok = p.int()
			case "end":
				st.End, ok = p.int()
			}
			return ok
		})
		if !ok {
			return false
		}
		*out = append(*out, st)
		p.ws()
		if p.lit(']') {
			return true
		}
		if !p.lit(',') {
			return false
		}
	}
}

// fastParser reads JSON from b at i. Every method reports false on
// anything it does not handle.
type fastParser struct {
	b    []byte
	i    int
	strs *interner
}

// interner remembers recent strings in a small direct-mapped table: the
// strings of a history repeat mostly within a few hundred lines (a
// session's bookmark comes back as its next statement's bookmark_in, a
// key is hot for a while), and a table that stays in cache is several
// times cheaper than a map that grows with every distinct bookmark. A
// miss only costs an allocation.
type interner struct {
	seed  maphash.Seed
	slots [1 << 13]string
}

func newInterner() *interner { return &interner{seed: maphash.MakeSeed()} }

func (in *interner) get(b []byte) string {
	slot := &in.slots[maphash.Bytes(in.seed, b)&(uint64(len(in.slots))-1)]
	if *slot == string(b) {
		return *slot
	}
	*slot = string(b)
	return *slot
}

func (p *fastParser) ws() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *fastParser) lit(c byte) bool {
	if p.i < len(p.b) && p.b[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *fastParser) end() bool {
	p.ws()
	return p.i == len(p.b)
}

// object reads {"key": value, ...}, calling field after each key's colon
// to read the value.
func (p *fastParser) object(field func(key []byte) bool) bool {
	p.ws()
	if !p.lit('{') {
		return false
	}
	p.ws()
	if p.lit('}') {
		return true
	}
	for {
		p.ws()
		key, ok := p.rawStr()
		if !ok {
			return false
		}
		p.ws()
		if !p.lit(':') {
			return false
		}
		p.ws()
		if !field(key) {
			return false
		}
		p.ws()
		if p.lit('}') {
			return true
		}
		if !p.lit(',') {
			return false
		}
	}
}

// rawStr reads a string without escapes or control characters and
// returns its bytes.
func (p *fastParser) rawStr() ([]byte, bool) {
	if !p.lit('"') {
		return nil, false
	}
	start := p.i
	for p.i < len(p.b) {
		c := p.b[p.i]
		switch {
		case c == '"':
			p.i++
			return p.b[start : p.i-1], true
		case c == '\\' || c < 0x20 || c >= 0x80:
			// Escapes, control characters and non-ASCII (which may be
			// invalid UTF-8, replaced by encoding/json) take the slow path.
			return nil, false
		}
		p.i++
	}
	return nil, false
}

func (p *fastParser) str() (string, bool) {
	b, ok := p.rawStr()
	if !ok {
		return "", false
	}
	return p.strs.get(b), true
}

func (p *fastParser) bool() (bool, bool) {
	switch {
	case p.word("true"):
		return true, true
	case p.word("false"):
		return false, true
	}
	return false, false
}

func (p *fastParser) word(w string) bool {
	if len(p.b)-p.i >= len(w) && string(p.b[p.i:p.i+len(w)]) == w {
		p.i += len(w)
		return true
	}
	return false
}

// int reads a JSON integer that fits int64 (no fraction, no exponent).
func (p *fastParser) int() (int64, bool) {
	start := p.i
	p.lit('-')
	digits := p.i
	for p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '9' {
		p.i++
	}
	if p.i == digits || (p.b[digits] == '0' && p.i-digits > 1) {
		return 0, false
	}
	if p.i < len(p.b) && (p.b[p.i] == '.' || p.b[p.i] == 'e' || p.b[p.i] == 'E') {
		return 0, false
	}
	n, err := strconv.ParseInt(string(p.b[start:p.i]), 10, 64)
	return n, err == nil
}

// skip passes over any JSON value, checking its syntax, so that Value
// holds exactly one well-formed value as encoding/json would. Strings
// with escapes or non-ASCII bytes and numbers with fractions are left to
// encoding/json, which checks them exactly.
func (p *fastParser) skip() bool {
	p.ws()
	if p.i >= len(p.b) {
		return false
	}
	switch c := p.b[p.i]; {
	case c == '{':
		return p.object(func([]byte) bool { return p.skip() })
	case c == '[':
		p.i++
		p.ws()
		if p.lit(']') {
			return true
		}
		for {
			if !p.skip() {
				return false
			}
			p.ws()
			if p.lit(']') {
				return true
			}
			if !p.lit(',') {
				return false
			}
		}
	case c == '"':
		_, ok := p.rawStr()
		return ok
	case c == '-' || (c >= '0' && c <= '9'):
		_, ok := p.int()
		return ok
	}
	return p.word("true") || p.word("false") || p.word("null")
}
