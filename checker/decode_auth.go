package checker

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/d1check/d1check/checker/model"
)

// A session row's register value is who is logged in: the user's email
// when the values carry one (the auth workload's hook reads the user row
// too), else DESIGN.md's user_id. An email names the user in a way the
// generator knows before the run, which a database-assigned id is not.
func sessionOwner(x map[string]json.RawMessage) (string, error) {
	field := "email"
	raw, ok := x[field]
	if !ok {
		field = "user_id"
		raw, ok = x[field]
	}
	switch {
	case !ok:
		return "", errors.New(`has no "email" or "user_id": a session row needs a user`)
	case raw == nil || bytes.Equal(raw, []byte("null")):
		return "", fmt.Errorf("%s is null: a session row must name its user", field)
	}
	c, err := canonicalJSON(raw)
	if err != nil {
		return "", fmt.Errorf("user does not decode: %v", err)
	}
	return c, nil
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
		return fmt.Errorf("found is true but %s", strings.TrimPrefix(err.Error(), "has "))
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
		if *x.Old == "" {
			return errors.New(`old is "": a token is never empty (null when the refresh found no session)`)
		}
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
		if *t == "" {
			return errors.New(`token is "": a token is never empty (null when the session is gone)`)
		}
		out.Old = *t
	}
	return nil
}
