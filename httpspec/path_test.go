package httpspec

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestPathLookup(t *testing.T) {
	doc := decode(t, `{"user": {"id": 7, "tags": null}, "results": [{"orderId": "a"}, {"orderId": "b"}, {}], "ok": true}`)
	for _, c := range []struct {
		path  string
		want  []any
		found bool
		err   bool
	}{
		{"$.user.id", []any{7.0}, true, false},
		{"$.ok", []any{true}, true, false},
		{"$.user.name", nil, false, false},
		{"$.nope.id", nil, false, false},
		{"$.user.tags", []any{nil}, true, false},
		{"$.results[1].orderId", []any{"b"}, true, false},
		{"$.results[9].orderId", nil, false, false},
		{"$.results[*].orderId", []any{"a", "b"}, true, false},
		{"$['user']['id']", []any{7.0}, true, false},
		{"$.ok.id", nil, false, true},          // a boolean has no fields
		{"$.user[0]", nil, false, true},        // an object is not an array
		{"$.user.id.deeper", nil, false, true}, // a number has no fields
	} {
		p, err := ParsePath(c.path)
		if err != nil {
			t.Fatalf("%s: %v", c.path, err)
		}
		got, found, err := p.Lookup(doc)
		if (err != nil) != c.err || found != c.found || (!c.err && !reflect.DeepEqual(got, c.want)) {
			t.Errorf("%s: got %v found=%v err=%v; want %v found=%v err=%v", c.path, got, found, err, c.want, c.found, c.err)
		}
	}
}

func TestParsePathRejects(t *testing.T) {
	for _, src := range []string{"user.id", "$.", "$..id", "$[", "$[x]", "$[-1]", "$user"} {
		if _, err := ParsePath(src); err == nil {
			t.Errorf("ParsePath(%q) accepted it", src)
		}
	}
}

func decode(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// A spec goes into the history's header and must come back from it.
func TestSpecRoundTripsThroughJSON(t *testing.T) {
	p, _ := ParsePath("$.orders[*].item")
	in := Spec{Bookmarks: Bookmarks{Cookie: "b"}, Ops: []Op{{Name: "list", Model: Set, Does: "read", Elements: &p}}}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var out Spec
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if out.Ops[0].Elements == nil || out.Ops[0].Elements.String() != "$.orders[*].item" || !out.Ops[0].Elements.Multi() {
		t.Fatalf("round trip: %+v", out.Ops[0])
	}
}
