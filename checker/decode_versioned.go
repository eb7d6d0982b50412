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

// decodeObserveOut reads what a versioned read saw, as exactly one of
// {version: n} (null when absent: version 0), {at_least: n} (a file or a
// result that version n created is there) or {below: n} (it is not).
func decodeObserveOut(v []byte, out *model.Output) error {
	var x map[string]json.RawMessage
	if err := unmarshal(v, &x); err != nil {
		return err
	}
	var forms int
	for _, f := range []string{"version", "at_least", "below"} {
		raw, ok := x[f]
		if !ok {
			continue
		}
		forms++
		var n *int64
		if err := json.Unmarshal(raw, &n); err != nil || (n == nil && f != "version") || (n != nil && *n < 0) {
			return fmt.Errorf("%s is %s, want a whole number from 0%s", f, raw, map[bool]string{true: " or null", false: ""}[f == "version"])
		}
		switch {
		case f == "version" && n == nil:
			out.Lo, out.Hi = 0, 1
		case f == "version":
			out.Lo, out.Hi = *n, *n+1
		case f == "at_least":
			out.Lo, out.Hi = *n, model.NoBound
		default:
			if *n == 0 {
				return errors.New("below is 0: no version is below 0")
			}
			out.Lo, out.Hi = 0, *n
		}
	}
	if forms != 1 {
		return errors.New(`want exactly one of "version", "at_least", "below"`)
	}
	return nil
}
