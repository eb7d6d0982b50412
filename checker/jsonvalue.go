package checker

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Register values are JSON values, and two spellings of one value are
// one value: "a\u0026b" and "a&b", {"x":1,"y":2} and {"y":2,"x":1}, 1 and
// 1.0 and 1e0. canonicalJSON spells each value one way, so that values
// compare as strings: objects with sorted keys, strings escaped only
// where JSON requires it, and numbers by their exact decimal value (never
// through float64, which would make 2^63-1 and 2^63 equal).
func canonicalJSON(raw []byte) (string, error) {
	raw = bytes.TrimSpace(raw)
	if simpleJSON(raw) {
		return string(raw), nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return "", err
	}
	if dec.More() {
		return "", fmt.Errorf("more than one JSON value")
	}
	var b strings.Builder
	if err := writeCanonical(&b, v); err != nil {
		return "", err
	}
	return b.String(), nil
}

// simpleJSON reports whether raw is already canonical and needs no
// decoding: null, a boolean, a plain integer, or a string of printable
// ASCII without escapes. Most values of a real run are.
func simpleJSON(raw []byte) bool {
	switch s := string(raw); {
	case s == "null" || s == "true" || s == "false":
		return true
	case len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"':
		for i := 1; i < len(s)-1; i++ {
			if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
				return false
			}
		}
		return true
	case len(s) > 0:
		digits := strings.TrimPrefix(s, "-")
		if digits == "" || (digits[0] == '0' && (len(digits) > 1 || s[0] == '-')) {
			return false // leading zero, or -0
		}
		for i := 0; i < len(digits); i++ {
			if digits[i] < '0' || digits[i] > '9' {
				return false
			}
		}
		return true
	}
	return false
}

func writeCanonical(b *strings.Builder, v any) error {
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case json.Number:
		n, err := canonicalNumber(string(x))
		if err != nil {
			return err
		}
		b.WriteString(n)
	case string:
		writeString(b, x)
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := writeCanonical(b, e); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			writeString(b, k)
			b.WriteByte(':')
			if err := writeCanonical(b, x[k]); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	default:
		return fmt.Errorf("unexpected JSON value %T", v)
	}
	return nil
}

// writeString writes s as a JSON string, escaping only what JSON requires
// (the quote, the backslash and control characters).
func writeString(b *strings.Builder, s string) {
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20:
			fmt.Fprintf(b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
}

// canonicalNumber spells a JSON number by its exact value: the integer
// when it is one of at most 21 digits (as JavaScript prints it), else
// d.ddde±n with no trailing zeros. -0 is 0.
func canonicalNumber(s string) (string, error) {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	mant, exp := s, 0
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		e, err := strconv.Atoi(strings.TrimPrefix(s[i+1:], "+"))
		if err != nil || e > 1<<40 || e < -(1<<40) {
			return "", fmt.Errorf("number %s: exponent out of range", s)
		}
		mant, exp = s[:i], e
	}
	intPart, frac, _ := strings.Cut(mant, ".")
	digits := intPart + frac
	exp += len(intPart) // value = 0.digits × 10^exp
	trimmed := strings.TrimLeft(digits, "0")
	exp -= len(digits) - len(trimmed)
	digits = strings.TrimRight(trimmed, "0")
	if digits == "" {
		return "0", nil
	}
	sign := ""
	if neg {
		sign = "-"
	}
	if exp >= len(digits) && exp <= 21 {
		return sign + digits + strings.Repeat("0", exp-len(digits)), nil
	}
	out := sign + digits[:1]
	if len(digits) > 1 {
		out += "." + digits[1:]
	}
	return out + "e" + strconv.Itoa(exp-1), nil
}

// shown is how a sentence prints a canonical JSON value: non-ASCII
// characters escaped, so that two different values never look the same
// ("é" and "e\u0301", a space and a no-break space).
func shown(v string) string {
	ascii := true
	for i := 0; i < len(v); i++ {
		if v[i] >= 0x7f {
			ascii = false
			break
		}
	}
	if ascii {
		return v
	}
	var b strings.Builder
	for _, r := range v {
		switch {
		case r < 0x7f:
			b.WriteRune(r)
		case r == utf8.RuneError:
			b.WriteString(`\ufffd`)
		case r > 0xffff:
			r1, r2 := utf16Pair(r)
			fmt.Fprintf(&b, `\u%04x\u%04x`, r1, r2)
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
	}
	return b.String()
}

func utf16Pair(r rune) (rune, rune) {
	r -= 0x10000
	return 0xd800 + (r>>10)&0x3ff, 0xdc00 + r&0x3ff
}
