package driverproto

import (
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/d1check/d1check/d1"
)

func TestValueRoundTrip(t *testing.T) {
	cases := []struct {
		v    any
		wire string
	}{
		{nil, "null"},
		{int64(0), "0"},
		{int64(-7), "-7"},
		{int64(math.MaxInt64), "9223372036854775807"},
		{2.5, "2.5"},
		{2.0, "2.0"},
		{1e300, "1e+300"},
		{"a \"b\" é", `"a \"b\" é"`},
		{[]byte{}, "[]"},
		{[]byte{0, 1, 255}, "[0,1,255]"},
	}
	for _, c := range cases {
		b, err := json.Marshal(Value{c.v})
		if err != nil || string(b) != c.wire {
			t.Errorf("Marshal(%#v) = %s, %v; want %s", c.v, b, err, c.wire)
		}
		var got Value
		if err := json.Unmarshal(b, &got); err != nil || !reflect.DeepEqual(got.V, c.v) {
			t.Errorf("Unmarshal(%s) = %#v, %v; want %#v", b, got.V, err, c.v)
		}
	}
}

func TestValueFromJavaScript(t *testing.T) {
	// What JSON.stringify writes: no distinction between 2 and 2.0, big
	// integers as floats, booleans.
	cases := map[string]any{
		"2":                    int64(2),
		"1.5e3":                1500.0,
		"true":                 int64(1),
		"false":                int64(0),
		"99999999999999999999": 1e20,
	}
	for wire, want := range cases {
		var v Value
		if err := json.Unmarshal([]byte(wire), &v); err != nil || !reflect.DeepEqual(v.V, want) {
			t.Errorf("%s -> %#v, %v; want %#v", wire, v.V, err, want)
		}
	}
	if b, _ := json.Marshal(Value{math.Inf(1)}); string(b) != "null" {
		t.Errorf("+Inf -> %s, want null as JSON.stringify", b)
	}
}

func TestValueRefusesWhatIsNotSQL(t *testing.T) {
	for _, wire := range []string{`{"a":1}`, `[1,256]`, `[-1]`, `[1.5]`, `["a"]`} {
		var v Value
		if err := json.Unmarshal([]byte(wire), &v); err == nil {
			t.Errorf("Unmarshal(%s) = %#v, want an error", wire, v.V)
		}
	}
	if _, err := json.Marshal(Value{struct{}{}}); err == nil || !strings.Contains(err.Error(), "cannot send") {
		t.Errorf("Marshal(struct) = %v", err)
	}
}

func TestRequestConversion(t *testing.T) {
	req := d1.Request{Mode: d1.ModeSession, Bookmark: d1.FirstPrimary, Batch: true,
		Statements: []d1.Query{{SQL: "SELECT ?", Params: []any{int64(1)}}, {SQL: "SELECT ?", Params: []any{[]byte{9}}}}}
	body, bm, err := FromD1(req)
	if err != nil || bm != d1.FirstPrimary || body.Mode != ModeSession {
		t.Fatalf("FromD1: %+v %q %v", body, bm, err)
	}
	raw, _ := json.Marshal(body)
	var back Request
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatal(err)
	}
	got, err := back.ToD1(bm, true)
	if err != nil || !reflect.DeepEqual(got, req) {
		t.Fatalf("round trip %+v, %v; want %+v", got, err, req)
	}
	// No header: first-unconstrained, as Cloudflare's template defaults.
	if got, _ := back.ToD1("", false); got.Bookmark != d1.FirstUnconstrained {
		t.Fatalf("absent header sent %q", got.Bookmark)
	}
	plain, bm, _ := FromD1(d1.Request{Mode: d1.ModePlain, Statements: req.Statements})
	if plain.Mode != ModePlain || bm != "" {
		t.Fatalf("plain: %+v %q", plain, bm)
	}
	if _, _, err := FromD1(d1.Request{Mode: 9}); err == nil {
		t.Fatal("unknown mode accepted")
	}
}
