package checker

import "strconv"

// Most values in a history are small flat objects ({"id":3,"created":false},
// {"valid":true}, {}). flatObject reads those without encoding/json; any
// other spelling (nesting, an escape, an upper-case or repeated key, a
// float) reports false and the decoder falls back to encoding/json, which
// alone decides errors. So the fast path changes speed, never meaning.

type flatField struct{ key, val []byte }

type flatFields struct {
	n int
	f [8]flatField
}

// get returns the raw value of key, if present.
func (ff *flatFields) get(key string) ([]byte, bool) {
	for _, f := range ff.f[:ff.n] {
		if string(f.key) == key {
			return f.val, true
		}
	}
	return nil, false
}

func (ff *flatFields) boolean(key string) (v, ok bool) {
	raw, ok := ff.get(key)
	switch string(raw) {
	case "true":
		return true, ok
	case "false":
		return false, ok
	}
	return false, false
}

func (ff *flatFields) integer(key string) (int64, bool) {
	raw, ok := ff.get(key)
	if !ok || len(raw) == 0 || raw[0] == '"' || raw[0] == 'n' || raw[0] == 't' || raw[0] == 'f' {
		return 0, false
	}
	n, err := strconv.ParseInt(string(raw), 10, 64)
	return n, err == nil
}

// flatObject parses v as an object of at most 8 scalar fields with
// lower-case keys.
func flatObject(v []byte, ff *flatFields) bool {
	i := skipSpace(v, 0)
	if i >= len(v) || v[i] != '{' {
		return false
	}
	i = skipSpace(v, i+1)
	if i < len(v) && v[i] == '}' {
		return skipSpace(v, i+1) == len(v)
	}
	for {
		key, j, ok := plainString(v, i)
		if !ok {
			return false
		}
		for _, c := range key {
			if (c < 'a' || c > 'z') && c != '_' && (c < '0' || c > '9') {
				return false
			}
		}
		if _, dup := ff.get(string(key)); dup || ff.n == len(ff.f) {
			return false
		}
		j = skipSpace(v, j)
		if j >= len(v) || v[j] != ':' {
			return false
		}
		j = skipSpace(v, j+1)
		end, ok := scalarEnd(v, j)
		if !ok {
			return false
		}
		ff.f[ff.n] = flatField{key, v[j:end]}
		ff.n++
		i = skipSpace(v, end)
		if i >= len(v) {
			return false
		}
		switch v[i] {
		case '}':
			return skipSpace(v, i+1) == len(v)
		case ',':
			i = skipSpace(v, i+1)
		default:
			return false
		}
	}
}

func skipSpace(v []byte, i int) int {
	for i < len(v) && (v[i] == ' ' || v[i] == '\t' || v[i] == '\n' || v[i] == '\r') {
		i++
	}
	return i
}

// plainString reads a string of printable ASCII without escapes at i.
func plainString(v []byte, i int) ([]byte, int, bool) {
	if i >= len(v) || v[i] != '"' {
		return nil, i, false
	}
	for j := i + 1; j < len(v); j++ {
		switch c := v[j]; {
		case c == '"':
			return v[i+1 : j], j + 1, true
		case c == '\\' || c < 0x20 || c >= 0x7f:
			return nil, j, false
		}
	}
	return nil, len(v), false
}

// scalarEnd returns where the scalar at i ends: a plain string, an
// integer without leading zeros, true, false or null.
func scalarEnd(v []byte, i int) (int, bool) {
	if i >= len(v) {
		return i, false
	}
	switch c := v[i]; {
	case c == '"':
		_, end, ok := plainString(v, i)
		return end, ok
	case c == '-' || (c >= '0' && c <= '9'):
		j := i
		if c == '-' {
			j++
		}
		start := j
		for j < len(v) && v[j] >= '0' && v[j] <= '9' {
			j++
		}
		if j == start || (v[start] == '0' && j-start > 1) || (j < len(v) && (v[j] == '.' || v[j] == 'e' || v[j] == 'E')) {
			return j, false
		}
		return j, true
	}
	for _, w := range []string{"true", "false", "null"} {
		if len(v)-i >= len(w) && string(v[i:i+len(w)]) == w {
			return i + len(w), true
		}
	}
	return i, false
}
