package d1

import (
	"errors"
	"math/rand"
	"sort"
	"testing"
)

func TestParseBookmark(t *testing.T) {
	for _, s := range []string{
		"00000085-0000024c-00004c6d-8e61117bf38d7adb71b934ebbf891683", // production
		"00000000-00000012-00000000-00000000000000000000000000000000", // local
	} {
		b, err := ParseBookmark(s)
		if err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		if b.String() != s {
			t.Errorf("round trip %s -> %s", s, b.String())
		}
	}
	b, _ := ParseBookmark("00000001-00000012-00000000-00000000000000000000000000000000")
	if b.Position() != 1<<32|0x12 {
		t.Errorf("Position = %#x", b.Position())
	}
	for _, bad := range []string{
		"", "first_unconditional", "first-primary",
		"00000000-00000012-00000000",                                   // short
		"00000000-00000012-00000000-0000000000000000000000000000000",   // tail 31
		"00000000-0000001G-00000000-00000000000000000000000000000000",  // not hex
		"00000000-0000001A-00000000-00000000000000000000000000000000",  // uppercase
		"00000000-00000012-00000000-00000000000000000000000000000000-", // extra dash
	} {
		if _, err := ParseBookmark(bad); err == nil {
			t.Errorf("ParseBookmark(%q) succeeded", bad)
		}
	}
}

func TestNewBookmarkSortsByPosition(t *testing.T) {
	if got := NewBookmark(18); got != "00000000-00000012-00000000-00000000000000000000000000000000" {
		t.Fatalf("NewBookmark(18) = %s", got)
	}
	rng := rand.New(rand.NewSource(1))
	pos := make([]uint64, 500)
	for i := range pos {
		pos[i] = uint64(rng.Int63n(1 << 40))
	}
	bms := make([]string, len(pos))
	for i, p := range pos {
		bms[i] = NewBookmark(p)
	}
	sort.Strings(bms)
	sort.Slice(pos, func(i, j int) bool { return pos[i] < pos[j] })
	for i := range bms {
		b, err := ParseBookmark(bms[i])
		if err != nil || b.Position() != pos[i] {
			t.Fatalf("sorted bookmark %d = %s (%v), want position %d", i, bms[i], err, pos[i])
		}
		if i > 0 && CompareBookmarks(bms[i-1], bms[i]) > 0 {
			t.Fatalf("CompareBookmarks disagrees with string order at %d", i)
		}
	}
}

func TestCompareBookmarksLikeLocaleCompare(t *testing.T) {
	cases := []struct {
		a, b string
		want int
	}{
		{bm1, bm2, -1},
		{bm2, bm1, 1},
		{bm1, bm1, 0},
		// Letters sort after digits: a misspelt constraint beats every bookmark.
		{bm9, "first_unconditional", -1},
		{"first_unconditional", bm9, 1},
		// Case is a tertiary difference: lowercase first.
		{"abc", "ABC", -1},
		{"ABC", "abd", -1},
		{"a", "ab", -1},
	}
	for _, c := range cases {
		if got := CompareBookmarks(c.a, c.b); got != c.want {
			t.Errorf("CompareBookmarks(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

func TestRegions(t *testing.T) {
	if len(Regions) != 6 || !ValidRegion("WEUR") || ValidRegion("weur") || ValidRegion("MARS") {
		t.Fatal("regions")
	}
}

func TestSQLErrorShapes(t *testing.T) {
	cases := []struct {
		got  *Error
		want string
	}{
		{SQLError("UNIQUE constraint failed: u.email", -1, "CONSTRAINT", "SQLITE_CONSTRAINT_UNIQUE"),
			"D1_ERROR: UNIQUE constraint failed: u.email: SQLITE_CONSTRAINT (extended: SQLITE_CONSTRAINT_UNIQUE)"},
		{SQLError(`near "SELEC": syntax error`, 0, "SQLITE_ERROR", ""),
			`D1_ERROR: near "SELEC": syntax error at offset 0: SQLITE_ERROR`},
		{SQLError("no such table: nope", -1, "ERROR", "ERROR"),
			"D1_ERROR: no such table: nope: SQLITE_ERROR"},
		{SQLError("too many SQL variables", 207, "ERROR", ""),
			"D1_ERROR: too many SQL variables at offset 207: SQLITE_ERROR"},
	}
	for _, c := range cases {
		if c.got.Message != c.want {
			t.Errorf("got  %s\nwant %s", c.got.Message, c.want)
		}
		// What crosses the wire parses back to the same error.
		p := ParseError(c.got.Message)
		if p.Kind != KindSQL || p.Code != c.got.Code || p.Extended != c.got.Extended {
			t.Errorf("ParseError(%q) = %+v, want %+v", c.want, p, c.got)
		}
	}
	if !IsConstraint(cases[0].got) || IsConstraint(cases[1].got) {
		t.Error("IsConstraint")
	}
}

func TestIndeterminate(t *testing.T) {
	for _, m := range TransientMessages() {
		e := ParseError(m)
		if e.Kind != KindTransient || !Indeterminate(e) {
			t.Errorf("%q: kind %s, indeterminate %v", m, e.Kind, Indeterminate(e))
		}
	}
	if Indeterminate(ParseError("D1_ERROR: no such table: nope: SQLITE_ERROR")) {
		t.Error("a SQL error is a certain failure")
	}
	if !Indeterminate(&TransportError{Op: "POST /query", Err: errors.New("connection reset")}) {
		t.Error("a transport error is indeterminate")
	}
	if Indeterminate(nil) {
		t.Error("nil")
	}
	if ParseError("D1_TYPE_ERROR: Type 'object' not supported").Kind != KindType {
		t.Error("type error kind")
	}
}

func TestNormalizeValue(t *testing.T) {
	if v := NormalizeValue(float64(17)); v != int64(17) {
		t.Errorf("17.0 -> %#v", v)
	}
	if v := NormalizeValue(2.5); v != 2.5 {
		t.Errorf("2.5 -> %#v", v)
	}
	if v, ok := NormalizeValue([]any{float64(1), float64(2), float64(255)}).([]byte); !ok || string(v) != "\x01\x02\xff" {
		t.Errorf("blob -> %#v", v)
	}
	if _, ok := NormalizeValue([]any{float64(256)}).([]byte); ok {
		t.Error("256 is not a byte")
	}
	r := NormalizeRow(Row{"id": float64(3), "s": "x", "n": nil})
	if id, ok := r.Int("id"); !ok || id != 3 {
		t.Error("Row.Int")
	}
	if s, ok := r.String("s"); !ok || s != "x" {
		t.Error("Row.String")
	}
	if !r.IsNull("n") || !r.IsNull("missing") || r.IsNull("id") {
		t.Error("Row.IsNull")
	}
}

func TestWellFormedAgreesWithParse(t *testing.T) {
	for _, s := range []string{bm1, bm9, "first_unconditional", "", bm1 + "0", "00000000-00000001-00000000-0000000000000000000000000000000g",
		"00000000x00000001-00000000-00000000000000000000000000000000"} {
		_, err := ParseBookmark(s)
		if wellFormed(s) != (err == nil) {
			t.Errorf("wellFormed(%q) = %v, ParseBookmark error %v", s, wellFormed(s), err)
		}
	}
}

func BenchmarkCompareBookmarks(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		CompareBookmarks(bm1, bm2)
	}
}
