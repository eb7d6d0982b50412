// Package httpspec is the declaration of an HTTP workload, as a scenario
// file writes it: named routes, each a request template (method, path,
// headers, JSON body with {key}, {value}, {client} and {n} placeholders),
// what to read from the response (JSON paths) and the checker model the
// route stands for (create-once, single-use, register, set) with its role.
// It is a format, like the history's: it knows nothing of a run; the
// scenario parser builds it and workloads/webapp drives it.
package httpspec

import (
	"fmt"
	"github.com/d1check/d1check/checker/model"
	"slices"
)

// Workload is the workload name of declared HTTP traffic; Variant the
// one variant it runs (the app is what it is).
const (
	Workload = "http"
	Variant  = "app"
)

// Models an op may stand for, by the checker model's own names: a
// scenario says "model: create-once" and the report says the same.
var (
	CreateOnce = model.CreateOnce.String()
	SingleUse  = model.SingleUse.String()
	Register   = model.Register.String()
	Set        = model.SetKind.String()
)

// Models lists them, for messages.
var Models = []string{CreateOnce, SingleUse, Register, Set}

// Roles each model's ops may play ("does:"); the first is the default.
var Roles = map[string][]string{
	CreateOnce: {"get-or-create", "get"},
	SingleUse:  {"use", "issue"},
	Register:   {"write", "read"},
	Set:        {"add", "read", "add-read"},
}

// Spec is an HTTP workload as a scenario declares it.
type Spec struct {
	Bookmarks Bookmarks `json:"bookmarks"`
	// Setup requests run once, in order, before the traffic.
	Setup []Request `json:"setup,omitempty"`
	// Ops in the order of the file.
	Ops []Op `json:"ops"`
}

// Bookmarks is how the app hands bookmarks to the browser: a header, a
// cookie, or neither (each request then starts afresh).
type Bookmarks struct {
	Header string `json:"header,omitempty"`
	Cookie string `json:"cookie,omitempty"`
}

// Carry reports whether clients carry bookmarks.
func (b Bookmarks) Carry() bool { return b.Header != "" || b.Cookie != "" }

// Request is a request template.
type Request struct {
	Method  string            `json:"method"`
	Path    string            `json:"path"`
	Headers map[string]string `json:"headers,omitempty"`
	JSON    any               `json:"json,omitempty"`
}

// Op is one named scenario op.
type Op struct {
	Name    string  `json:"name"`
	Model   string  `json:"model"`
	Does    string  `json:"does"`
	Weight  int     `json:"weight"`
	Request Request `json:"request"`
	// What to read from a 2xx response's JSON body.
	ID      *Path `json:"id,omitempty"`      // create-once: the entity's id (null/missing on get: absent)
	Created *Path `json:"created,omitempty"` // create-once: true when this request created it
	Success *Path `json:"success,omitempty"` // single-use use: a boolean
	Value   *Path `json:"value,omitempty"`   // register read: the value (null: unset)
	// Elements is a set read's list, usually with [*]:
	// $.orders[*].item.
	Elements *Path `json:"elements,omitempty"`
	// Refuse lists the 4xx statuses that mean "refused" (a code rejected,
	// a user not found): an ok op with that negative result.
	Refuse []int `json:"refuse,omitempty"`
	// File and Line say where the op is declared, for messages about
	// it; unset for a spec built in Go.
	File string `json:"-"`
	Line int    `json:"-"`
}

// MarshalText lets a Path appear in the scenario's JSON (the history
// header), and UnmarshalText read it back (d1check check, report).
func (p Path) MarshalText() ([]byte, error) { return []byte(p.src), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (p *Path) UnmarshalText(b []byte) error {
	q, err := ParsePath(string(b))
	if err != nil {
		return err
	}
	*p = q
	return nil
}

// Validate reports what makes spec unrunnable; field names the op (as
// "ops.NAME.field") so the scenario parser can point at the line.
func (s *Spec) Validate() (field string, err error) {
	if len(s.Ops) == 0 {
		return "ops", fmt.Errorf("an http workload needs at least one op")
	}
	if s.Bookmarks.Header != "" && s.Bookmarks.Cookie != "" {
		return "bookmarks", fmt.Errorf("give header or cookie, not both")
	}
	seen := map[string]string{}
	models := map[string]bool{}
	for _, o := range s.Ops {
		f := "ops." + o.Name
		roles, ok := Roles[o.Model]
		if !ok {
			return f + ".model", fmt.Errorf("%q is not one of %v", o.Model, Models)
		}
		if !slices.Contains(roles, o.Does) {
			return f + ".does", fmt.Errorf("a %s op does one of %v, not %q", o.Model, roles, o.Does)
		}
		if prev, dup := seen[o.Model+"/"+o.Does]; dup {
			return f + ".does", fmt.Errorf("op %s already does %s for the %s model: one op per role (ops of one model share their keys)", prev, o.Does, o.Model)
		}
		seen[o.Model+"/"+o.Does] = o.Name
		models[o.Model] = true
		if err := o.needs(); err != nil {
			return f, err
		}
	}
	if models[SingleUse] && (seen[SingleUse+"/use"] == "" || seen[SingleUse+"/issue"] == "") {
		return "ops", fmt.Errorf("a single-use model needs an op that issues (does: issue) and one that uses (does: use)")
	}
	if models[Register] && seen[Register+"/write"] == "" {
		return "ops", fmt.Errorf("a register model needs an op that writes (does: write)")
	}
	if models[Set] && seen[Set+"/add"] == "" && seen[Set+"/add-read"] == "" {
		return "ops", fmt.Errorf("a set model needs an op that adds (does: add or add-read)")
	}
	if models[CreateOnce] && seen[CreateOnce+"/get-or-create"] == "" {
		return "ops", fmt.Errorf("a create-once model needs an op that creates (does: get-or-create)")
	}
	return "", nil
}

// needs checks the response mapping a role requires, and forbids the
// ones it would ignore (an ignored field is a silent mistake).
func (o *Op) needs() error {
	want := map[string]bool{}
	switch o.Model + "/" + o.Does {
	case CreateOnce + "/get-or-create":
		want["id"], want["created"] = true, true
	case CreateOnce + "/get":
		want["id"] = true
	case SingleUse + "/use":
		want["success"] = false
	case Register + "/read":
		want["value"] = true
	case Set + "/read", Set + "/add-read":
		want["elements"] = true
	}
	have := map[string]*Path{"id": o.ID, "created": o.Created, "success": o.Success, "value": o.Value, "elements": o.Elements}
	for _, name := range []string{"id", "created", "success", "value", "elements"} {
		p := have[name]
		required, allowed := want[name]
		switch {
		case p == nil && required:
			return fmt.Errorf("a %s op that does %s needs %s: a JSON path into the response, such as $.%s", o.Model, o.Does, name, name)
		case p != nil && !allowed:
			return fmt.Errorf("%s: a %s op that does %s reads nothing from %s", name, o.Model, o.Does, name)
		}
	}
	for _, st := range o.Refuse {
		if st < 400 || st > 499 {
			return fmt.Errorf("refuse: %d is not a 4xx status", st)
		}
	}
	if len(o.Refuse) > 0 && !(o.Does == "use" || o.Does == "get" || o.Does == "read") {
		return fmt.Errorf("refuse: only an op that can be refused (use, get, read) has refusal statuses")
	}
	if o.Weight < 0 {
		return fmt.Errorf("weight: %d, want 0 or more", o.Weight)
	}
	return nil
}
