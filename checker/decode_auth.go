package checker

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/d1check/d1check/checker/model"
)

// A session row's register value is who is logged in: the user's email
// when the values carry one (the auth workload's hook reads the user row
// too), else its user_id. An email names the user in a way the
// generator knows before the run, which a database-assigned id is not.
func sessionOwner(x map[string]json.RawMessage) (string, error) {
	raw, ok := x["email"]
	if !ok {
		raw, ok = x["user_id"]
	}
	if !ok || raw == nil || bytes.Equal(raw, []byte("null")) {
		return "", errors.New(`has no "email" or "user_id": a session row needs a user`)
	}
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return "", fmt.Errorf("user does not decode: %v", err)
	}
	return b.String(), nil
}

func decodeCreateSessionIn(v []byte, in *model.Input) error {
	var x map[string]json.RawMessage
	if err := unmarshal(v, &x); err != nil {
		return err
	}
	owner, err := sessionOwner(x)
	in.Value = owner
	return err
}

func decodeDeleteSessionIn(_ []byte, in *model.Input) error {
	in.Value = model.Unset
	return nil
}

// decodeReadSession maps {found, user_id[, email]} onto a register read:
// the owner when found, null when not.
func decodeReadSession(v []byte, out *model.Output) error {
	var x map[string]json.RawMessage
	if err := unmarshal(v, &x); err != nil {
		return err
	}
	var found *bool
	if err := json.Unmarshal(x["found"], &found); err != nil || found == nil {
		return errors.New(`has no boolean "found"`)
	}
	if !*found {
		out.Value = model.Unset
		return nil
	}
	owner, err := sessionOwner(x)
	if err != nil {
		return fmt.Errorf("found is true but it %v", err)
	}
	out.Value = owner
	return nil
}

// decodeRefreshIn reads the new token, {token}.
func decodeRefreshIn(v []byte, in *model.Input) error {
	var x struct {
		Token *string `json:"token"`
	}
	if err := unmarshal(v, &x); err != nil {
		return err
	}
	if x.Token == nil || *x.Token == "" {
		return errors.New(`has no "token": a refresh needs the new token`)
	}
	in.Value = *x.Token
	return nil
}

// decodeRefreshOut reads {refreshed, old}: old is the token the refresh
// read, null when it found no session.
func decodeRefreshOut(v []byte, out *model.Output) error {
	var x struct {
		Refreshed *bool   `json:"refreshed"`
		Old       *string `json:"old"`
	}
	if err := unmarshal(v, &x); err != nil {
		return err
	}
	if x.Refreshed == nil {
		return missing("refreshed")
	}
	out.Refreshed = *x.Refreshed
	if x.Old != nil {
		out.Old = *x.Old
	}
	if out.Refreshed && out.Old == "" {
		return errors.New("refreshed is true but old is null: a refresh replaces the token it read")
	}
	return nil
}

// decodeReadToken reads {token}, null when the session is gone.
func decodeReadToken(v []byte, out *model.Output) error {
	var x map[string]json.RawMessage
	if err := unmarshal(v, &x); err != nil {
		return err
	}
	raw, ok := x["token"]
	if !ok {
		return missing("token")
	}
	var t *string
	if err := json.Unmarshal(raw, &t); err != nil {
		return fmt.Errorf("token %s is not a string or null", raw)
	}
	if t != nil {
		out.Old = *t
	}
	return nil
}
