package checker

import (
	"strings"
	"testing"

	"github.com/d1check/d1check/checker/model"
)

// TestDecodeObserveOut: every form a versioned read may record, and the
// values that say nothing or something impossible.
func TestDecodeObserveOut(t *testing.T) {
	for v, want := range map[string][2]int64{
		`{"version":null}`:                            {0, 0},
		`{"version":3,"files":3}`:                     {3, 3},
		`{"at_least":2}`:                              {2, model.NoBound},
		`{"below":3,"found":false}`:                   {0, 2},
		`{"status":"running","at_least":2,"below":4}`: {2, 3},
		`{"version":9223372036854775807}`:             {model.NoBound, model.NoBound},
		`{"at_least":9223372036854775807}`:            {model.NoBound, model.NoBound},
		`{"below":9223372036854775807}`:               {0, model.NoBound - 1},
	} {
		var out model.Output
		if err := decodeObserveOut([]byte(v), &out); err != nil || out.Lo != want[0] || out.Hi != want[1] {
			t.Errorf("%s: [%d, %d] %v, want [%d, %d]", v, out.Lo, out.Hi, err, want[0], want[1])
		}
	}
	for v, want := range map[string]string{
		`{}`:                       `want "version" alone`,
		`{"files":2}`:              `want "version" alone`,
		`{"version":2,"below":4}`:  `want "version" alone`,
		`{"below":0}`:              "below is 0",
		`{"at_least":4,"below":4}`: "leave no version",
		`{"at_least":null}`:        "at_least is null",
		`{"version":-1}`:           "version is -1",
		`{"below":"3"}`:            `below is "3"`,
		`null`:                     "missing",
	} {
		var out model.Output
		if err := decodeObserveOut([]byte(v), &out); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want one containing %q", v, err, want)
		}
	}
}
