package history

import (
	"encoding/json"
	"reflect"
	"testing"
)

// TestFastEventAgreesWithEncodingJSON: every line the fast path accepts
// decodes exactly as encoding/json decodes it, and the lines it must not
// judge (escapes, unknown or repeated fields, nulls, floats, bad JSON) go
// to encoding/json.
func TestFastEventAgreesWithEncodingJSON(t *testing.T) {
	accept := []string{
		`{"index":0,"type":"invoke","process":1,"session":"s1","variant":"v","f":"write","key":"r","value":{"value":[1,{"a":true},null,-2]},"time":5}`,
		` { "index" : 3 , "type" : "ok" , "process" : 0 , "f" : "read" , "key" : "k" , "value" : {} , "time" : 9 , "trace" : [ ] } `,
		`{"index":1,"type":"ok","process":7,"f":"get_user","key":"a@x","value":{"id":3},"time":12,"error":"boom","trace":[{"sql":"SELECT 1","bookmark_in":"first-primary","bookmark_out":"00000000-00000001-00000000-00000000000000000000000000000000","served_by":"p","served_by_primary":true,"served_by_region":"WEUR","start":1,"end":2,"error":""}]}`,
		`{"index":2,"type":"nemesis","process":-1,"f":"partition","value":"x","time":-0}`,
	}
	refuse := []string{
		`{"index":0,"type":"invoke","process":1,"f":"write","key":"a\u0026b","time":1}`,
		`{"index":0,"type":"invoke","process":1,"f":"write","key":"é","time":1}`,
		`{"index":0,"Index":1,"type":"invoke","process":1,"f":"w","time":1}`,
		`{"index":0,"index":1,"type":"invoke","process":1,"f":"w","time":1}`,
		`{"index":0,"type":"invoke","process":1,"f":"w","time":1,"extra":2}`,
		`{"index":0,"type":"invoke","process":1,"f":"w","value":null,"time":1}`,
		`{"index":0,"type":"invoke","process":1,"f":"w","value":1.5,"time":1}`,
		`{"index":0,"type":"invoke","process":1,"f":"w","time":1.0}`,
		`{"index":0,"type":"invoke","process":1,"f":"w","time":01}`,
		`{"index":0,"type":"invoke","process":1,"f":"w","time":99999999999999999999}`,
		`{"index":0,"type":"invoke","process":1,"f":"w","value":{"a":1,},"time":1}`,
		`{"index":0,"type":"invoke","process":1,"f":"w","trace":null,"time":1}`,
		`{"index":0,"type":"invoke","process":1,"f":"w","time":1} x`,
		`{"index":0,"type":"invoke","process":1,"f":"w","time":1`,
		`null`, `[]`, `3`, ``,
	}
	strs := newInterner()
	for _, line := range accept {
		got, ok := fastEvent([]byte(line), strs)
		if !ok {
			t.Errorf("refused %s", line)
			continue
		}
		var want Event
		if err := json.Unmarshal([]byte(line), &want); err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\nfast %+v\njson %+v", line, got, want)
		}
	}
	for _, line := range refuse {
		if e, ok := fastEvent([]byte(line), strs); ok {
			t.Errorf("accepted %s as %+v", line, e)
		}
	}
}
