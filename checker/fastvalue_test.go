package checker

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/d1check/d1check/checker/model"
)

// TestFlatObjectAgreesWithEncodingJSON: what the fast path accepts means
// what encoding/json reads, and what it must not judge goes to
// encoding/json.
func TestFlatObjectAgreesWithEncodingJSON(t *testing.T) {
	accept := []string{`{}`, ` { } `, `{"id":3,"created":false}`, `{ "id" : -7 , "x_2" : "a b" , "n" : null , "t" : true }`}
	refuse := []string{`{"ID":3}`, `{"id":3,"id":4}`, `{"id":3.0}`, `{"id":1e2}`, `{"id":01}`, `{"v":"a\u0026b"}`, `{"v":"é"}`,
		`{"v":{}}`, `{"v":[]}`, `{"id":3,}`, `{"id":3} x`, `{"id" 3}`, `[]`, `null`, ``, `{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8,"i":9}`}
	for _, v := range accept {
		var ff flatFields
		if !flatObject([]byte(v), &ff) {
			t.Errorf("refused %s", v)
			continue
		}
		var want map[string]json.RawMessage
		if err := json.Unmarshal([]byte(v), &want); err != nil {
			t.Fatal(err)
		}
		got := map[string]json.RawMessage{}
		for _, f := range ff.f[:ff.n] {
			got[string(f.key)] = json.RawMessage(f.val)
		}
		if !reflect.DeepEqual(got, want) && !(len(got) == 0 && len(want) == 0) {
			t.Errorf("%s: fast %v, json %v", v, got, want)
		}
	}
	for _, v := range refuse {
		var ff flatFields
		if flatObject([]byte(v), &ff) {
			t.Errorf("accepted %s", v)
		}
	}
	// A decoder's fast path and encoding/json agree, and a value the fast
	// path cannot judge still gets encoding/json's answer.
	for v, want := range map[string]model.Output{
		`{"id":3,"created":true}`:            {ID: 3, Created: true},
		`{"created":false,"id":9,"extra":1}`: {ID: 9},
		`{"id":3,"created":true,"n":{}}`:     {ID: 3, Created: true},
	} {
		var out model.Output
		if err := decodeGetOrCreate([]byte(v), &out); err != nil || !reflect.DeepEqual(out, want) {
			t.Errorf("%s: %+v %v, want %+v", v, out, err, want)
		}
	}
	var out model.Output
	if err := decodeGetOrCreate([]byte(`{"id":3}`), &out); err == nil {
		t.Error(`{"id":3}: no error for the missing "created"`)
	}
}
