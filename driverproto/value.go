package driverproto

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
)

// Value is one SQL value on the wire: null, a number, a string, or a BLOB
// as an array of byte values — what the Workers binding returns for a BLOB
// and accepts (as a Uint8Array) for one.
//
// Numbers keep their SQLite type across the wire where JSON allows it: an
// integer is written without a decimal point and a REAL always with one
// (2.0, not 2), and decoding reads a literal with '.', 'e' or 'E' as a
// float64 and any other as an int64. So rows served by the emulator's HTTP
// server compare equal to rows from the embedded emulator. JavaScript keeps
// no such distinction: a REAL 2.0 from workerd arrives as 2, an int64.
type Value struct{ V any }

// MarshalJSON encodes nil, integers, floats, strings, booleans and []byte.
// A non-finite float, which JSON cannot hold, is written as null, as
// JavaScript's JSON.stringify does.
func (v Value) MarshalJSON() ([]byte, error) {
	switch x := v.V.(type) {
	case nil:
		return []byte("null"), nil
	case int64:
		return strconv.AppendInt(nil, x, 10), nil
	case int:
		return strconv.AppendInt(nil, int64(x), 10), nil
	case float64:
		if math.IsInf(x, 0) || math.IsNaN(x) {
			return []byte("null"), nil
		}
		b := strconv.AppendFloat(nil, x, 'g', -1, 64)
		if !bytes.ContainsAny(b, ".eE") {
			b = append(b, ".0"...)
		}
		return b, nil
	case bool:
		if x {
			return []byte("1"), nil
		}
		return []byte("0"), nil
	case string:
		return json.Marshal(x)
	case []byte:
		b := make([]byte, 0, 2+4*len(x))
		b = append(b, '[')
		for i, c := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendUint(b, uint64(c), 10)
		}
		return append(b, ']'), nil
	}
	return nil, fmt.Errorf("protocol: cannot send a %T as a SQL value", v.V)
}

// UnmarshalJSON decodes what MarshalJSON writes, and what the Worker
// writes. A boolean becomes 1 or 0, as the binding binds it. An array must
// hold byte values; an object is refused.
func (v *Value) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return fmt.Errorf("protocol: empty SQL value")
	}
	switch c := b[0]; {
	case c == 'n':
		v.V = nil
		return json.Unmarshal(b, new(any))
	case c == 't' || c == 'f':
		var x bool
		if err := json.Unmarshal(b, &x); err != nil {
			return err
		}
		v.V = int64(0)
		if x {
			v.V = int64(1)
		}
		return nil
	case c == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		v.V = s
		return nil
	case c == '[':
		var xs []json.Number
		if err := json.Unmarshal(b, &xs); err != nil {
			return fmt.Errorf("protocol: a BLOB is an array of byte values: %w", err)
		}
		blob := make([]byte, len(xs))
		for i, x := range xs {
			n, err := strconv.ParseUint(string(x), 10, 8)
			if err != nil {
				return fmt.Errorf("protocol: BLOB byte %d is %s, want 0..255", i, x)
			}
			blob[i] = byte(n)
		}
		v.V = blob
		return nil
	case c == '-' || c >= '0' && c <= '9':
		return v.number(b)
	}
	return fmt.Errorf("protocol: %.40s is not a SQL value (null, number, string or array of bytes)", b)
}

func (v *Value) number(b []byte) error {
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	if !bytes.ContainsAny(b, ".eE") {
		if i, err := strconv.ParseInt(string(n), 10, 64); err == nil {
			v.V = i
			return nil
		}
	}
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil {
		return fmt.Errorf("protocol: number %s: %w", n, err)
	}
	v.V = f
	return nil
}
