package webapp

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/d1check/d1check/httpspec"
)

func decode(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestSetElements(t *testing.T) {
	doc := decode(t, `{"orders": [{"item": "a"}, {"item": "b"}], "ids": [3, 4], "bad": [{"item": true}]}`)
	for _, c := range []struct {
		path string
		want []string
		err  bool
	}{
		{"$.orders[*].item", []string{"a", "b"}, false},
		{"$.ids", []string{"3", "4"}, false}, // the list itself, numbers as text
		{"$.ids[*]", []string{"3", "4"}, false},
		{"$.bad[*].item", nil, true},
		{"$.missing[*].item", nil, true},
	} {
		p, err := httpspec.ParsePath(c.path)
		if err != nil {
			t.Fatal(err)
		}
		got, err := elements(&p, doc)
		if (err != nil) != c.err || (!c.err && !reflect.DeepEqual(got, c.want)) {
			t.Errorf("%s: %v %v, want %v (error %v)", c.path, got, err, c.want, c.err)
		}
	}
}
