package checker

import "testing"

// TestCanonicalJSON: spellings of one JSON value are one string; different
// values, however close, are not.
func TestCanonicalJSON(t *testing.T) {
	same := [][]string{
		{`1`, `1.0`, `1e0`, `10E-1`, `0.1e1`, ` 1 `, `1.000e+0`},
		{`0`, `-0`, `0.0`, `0e10`},
		{`"a&b"`, `"a\u0026b"`, `"\u0061&b"`},
		{`{"x":1,"y":"é"}`, `{"y":"\u00e9","x":1.00}`, `{ "y" : "é" , "x" : 1 }`},
		{`9223372036854775807`, `9223372036854775807.0`, `92233720368547758070e-1`},
		{`9223372036854775808`, `9.223372036854775808e18`},
		{`1e400`, `10e399`},
		{`[1,"\n"]`, `[1.0, "\u000a"]`},
		{`-2.5`, `-25e-1`},
	}
	seen := map[string]int{}
	for i, group := range same {
		want, err := canonicalJSON([]byte(group[0]))
		if err != nil {
			t.Fatalf("%s: %v", group[0], err)
		}
		for _, s := range group[1:] {
			if got, err := canonicalJSON([]byte(s)); err != nil || got != want {
				t.Errorf("%s: %q %v, want %q like %s", s, got, err, want, group[0])
			}
		}
		if j, ok := seen[want]; ok {
			t.Errorf("groups %d and %d share %q", j, i, want)
		}
		seen[want] = i
	}
	if _, err := canonicalJSON([]byte(`1 2`)); err == nil {
		t.Error("two values accepted")
	}
	if got := shown(`"é"`); got != `"\u00e9"` {
		t.Errorf("shown: %s", got)
	}
	if a, b := shown(`"é"`), shown(`"e`+"\u0301"+`"`); a == b {
		t.Errorf("two values shown alike: %s", a)
	}
}
