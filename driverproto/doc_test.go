package driverproto

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/d1check/d1check/internal/docexamples"
)

// TestProtocolDocExamples decodes every json example of
// docs/driver-protocol.md with this package's types, strictly (a field
// the types do not have fails), and encodes it back to the same JSON: the
// document shows what the drivers really send.
func TestProtocolDocExamples(t *testing.T) {
	blocks, err := docexamples.Read("../docs/driver-protocol.md", "json")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, b := range blocks {
		seen[b.Tag]++
		var v any
		switch b.Tag {
		case "request":
			v = &Request{}
		case "response":
			v = &Response{}
		case "error":
			v = &ErrorBody{}
		case "status":
			// Drivers add fields to Status: decode what every driver
			// answers, leniently.
			var st Status
			if err := json.Unmarshal([]byte(b.Text), &st); err != nil || st.Driver != Driver || st.Protocol != Version {
				t.Errorf("driver-protocol.md:%d: status %+v, %v", b.Line, st, err)
			}
			continue
		default:
			t.Errorf("driver-protocol.md:%d: json block tagged %q, want request, response, error or status", b.Line, b.Tag)
			continue
		}
		dec := json.NewDecoder(bytes.NewReader([]byte(b.Text)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(v); err != nil {
			t.Errorf("driver-protocol.md:%d: %v", b.Line, err)
			continue
		}
		got, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		if err := json.Compact(&want, []byte(b.Text)); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want.Bytes()) {
			t.Errorf("driver-protocol.md:%d: encodes back as\n%s\nwant\n%s", b.Line, got, want.Bytes())
		}
	}
	for _, tag := range []string{"request", "response", "error", "status"} {
		if seen[tag] == 0 {
			t.Errorf("driver-protocol.md has no %s example", tag)
		}
	}
}
