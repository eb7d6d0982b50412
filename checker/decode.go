package checker

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/d1check/d1check/checker/model"
)

// The decoders accept extra fields (a newer workload's additions) but never
// a missing or mistyped one: a value that does not say what the checker
// needs is an error, not a zero.

func unmarshal(v []byte, dst any) error {
	if len(v) == 0 || bytes.Equal(v, []byte("null")) {
		return errors.New("is missing, want a JSON object")
	}
	if err := json.Unmarshal(v, dst); err != nil {
		return fmt.Errorf("does not decode: %v", err)
	}
	return nil
}

func missing(field string) error { return fmt.Errorf("has no %q", field) }

func decodeEmpty(v []byte, _ *model.Output) error {
	var ff flatFields
	if len(v) == 0 || bytes.Equal(v, []byte("null")) || flatObject(v, &ff) {
		return nil
	}
	var m map[string]json.RawMessage
	return unmarshal(v, &m)
}

func decodeGetOrCreate(v []byte, out *model.Output) error {
	var ff flatFields
	if flatObject(v, &ff) {
		id, ok1 := ff.integer("id")
		created, ok2 := ff.boolean("created")
		if ok1 && ok2 {
			out.ID, out.Created = id, created
			return nil
		}
	}
	var x struct {
		ID      *int64 `json:"id"`
		Created *bool  `json:"created"`
	}
	if err := unmarshal(v, &x); err != nil {
		return err
	}
	if x.ID == nil {
		return missing("id")
	}
	if x.Created == nil {
		return missing("created")
	}
	out.ID, out.Created = *x.ID, *x.Created
	return nil
}

// decodeGetUser reads {id} with a null id (or a null value) for absent.
func decodeGetUser(v []byte, out *model.Output) error {
	if bytes.Equal(bytes.TrimSpace(v), []byte("null")) {
		return nil
	}
	var ff flatFields
	if flatObject(v, &ff) {
		if raw, _ := ff.get("id"); string(raw) == "null" {
			return nil
		}
		if id, ok := ff.integer("id"); ok {
			out.ID, out.Found = id, true
			return nil
		}
	}
	var x struct {
		ID json.RawMessage `json:"id"`
	}
	if err := unmarshal(v, &x); err != nil {
		return err
	}
	if x.ID == nil {
		return missing("id")
	}
	if bytes.Equal(x.ID, []byte("null")) {
		return nil
	}
	if err := json.Unmarshal(x.ID, &out.ID); err != nil {
		return fmt.Errorf("id %s is not an integer or null", x.ID)
	}
	out.Found = true
	return nil
}

func decodeListUsers(v []byte, out *model.Output) error {
	var x struct {
		IDs *[]int64 `json:"ids"`
	}
	if err := unmarshal(v, &x); err != nil {
		return err
	}
	if x.IDs == nil {
		return missing("ids")
	}
	out.IDs = *x.IDs
	return nil
}

func decodeVerify(v []byte, out *model.Output) error {
	var ff flatFields
	if flatObject(v, &ff) {
		if valid, ok := ff.boolean("valid"); ok {
			out.Valid = valid
			return nil
		}
	}
	var x struct {
		Valid *bool `json:"valid"`
	}
	if err := unmarshal(v, &x); err != nil {
		return err
	}
	if x.Valid == nil {
		return missing("valid")
	}
	out.Valid = *x.Valid
	return nil
}

func decodeReadCode(v []byte, out *model.Output) error {
	var ff flatFields
	if flatObject(v, &ff) {
		issued, ok1 := ff.boolean("issued")
		used, ok2 := ff.boolean("used")
		if ok1 && ok2 {
			out.Issued, out.Used = issued, used
			return nil
		}
	}
	var x struct {
		Issued *bool `json:"issued"`
		Used   *bool `json:"used"`
	}
	if err := unmarshal(v, &x); err != nil {
		return err
	}
	if x.Issued == nil {
		return missing("issued")
	}
	if x.Used == nil {
		return missing("used")
	}
	out.Issued, out.Used = *x.Issued, *x.Used
	return nil
}

// compactValue returns field name of the object v in its canonical
// spelling (see canonicalJSON), so that equal values compare equal as
// strings whatever their spacing, key order, escapes or number spelling.
func compactValue(v []byte, name string) (string, error) {
	var ff flatFields
	if flatObject(v, &ff) {
		if raw, ok := ff.get(name); ok {
			return canonicalJSON(raw)
		}
	}
	var x map[string]json.RawMessage
	if err := unmarshal(v, &x); err != nil {
		return "", err
	}
	raw, ok := x[name]
	if !ok {
		return "", missing(name)
	}
	c, err := canonicalJSON(raw)
	if err != nil {
		return "", fmt.Errorf("%s does not decode: %v", name, err)
	}
	return c, nil
}

func decodeWriteIn(v []byte, in *model.Input) (err error) {
	in.Value, err = compactValue(v, "value")
	return err
}

func decodeReadOut(v []byte, out *model.Output) (err error) {
	out.Value, err = compactValue(v, "value")
	return err
}
