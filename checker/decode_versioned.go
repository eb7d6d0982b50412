package checker

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/d1check/d1check/checker/model"
)

// decodeAdvanceIn reads a versioned write's {version}: a whole number from
// 1 (0 is the absent entity).
func decodeAdvanceIn(v []byte, in *model.Input) error {
	var x struct {
		Version *int64 `json:"version"`
	}
	if err := unmarshal(v, &x); err != nil {
		return err
	}
	if x.Version == nil {
		return missing("version")
	}
	if *x.Version < 1 {
		return fmt.Errorf("version is %d, want at least 1", *x.Version)
	}
	in.Version = *x.Version
	return nil
}

// decodeObserveOut reads what a versioned read saw: {version: n} (null
// when absent: version 0), or {at_least: n} (a file or a result that
// version n created is there), {below: n} (it is not), or both, an
// interval: a job read as "running" is past "pending" (at_least 2) and not
// yet "complete" (below 4), and either bound alone would hide one way of
// going back.
func decodeObserveOut(v []byte, out *model.Output) error {
	var x map[string]json.RawMessage
	if err := unmarshal(v, &x); err != nil {
		return err
	}
	var got [3]*int64 // version, at_least, below
	var forms int
	for i, f := range []string{"version", "at_least", "below"} {
		raw, ok := x[f]
		if !ok {
			continue
		}
		forms++
		var n *int64
		if err := json.Unmarshal(raw, &n); err != nil || (n == nil && f != "version") || (n != nil && *n < 0) {
			return fmt.Errorf("%s is %s, want a whole number from 0%s", f, raw, map[bool]string{true: " or null", false: ""}[f == "version"])
		}
		if n == nil {
			n = new(int64) // version null: absent, version 0
		}
		got[i] = n
	}
	version, atLeast, below := got[0], got[1], got[2]
	switch {
	case forms == 0 || (version != nil && forms > 1):
		return errors.New(`want "version" alone, or "at_least", "below" or both`)
	case version != nil:
		out.Lo, out.Hi = *version, *version
		return nil
	}
	out.Lo, out.Hi = 0, model.NoBound
	if atLeast != nil {
		out.Lo = *atLeast
	}
	if below != nil {
		if *below == 0 {
			return errors.New("below is 0: no version is below 0")
		}
		out.Hi = *below - 1 // closed: never *below+anything, which could overflow
	}
	if out.Lo > out.Hi {
		return fmt.Errorf("at_least %d and below %d leave no version", out.Lo, *below)
	}
	return nil
}
