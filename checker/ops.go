package checker

import (
	"sort"
	"strings"

	"github.com/d1check/d1check/checker/model"
	"github.com/d1check/d1check/history"
)

// opSpec maps a history op (its f) onto a checker model.
type opSpec struct {
	action model.Action
	// decodeIn fills the input from the invoke's value; nil when the action
	// needs nothing beyond the key.
	decodeIn func(v []byte, in *model.Input) error
	// decodeOut fills the output from an ok completion's value.
	decodeOut func(v []byte, out *model.Output) error
	// noun names what the key is, for explanations ("email", "code").
	noun string
}

// ops is every op the checker knows (history/FORMAT.md's op tables). The
// auth workload's session rows are registers: create_session writes who
// logged in (the user's email, or its user_id when the values carry no
// email), delete_session writes null, read_session reads one or the other.
// A session's refresh token is a compare-and-set register under the same
// key: refresh_token replaces the token it read, read_token is the final
// read. A workload adds an op here by mapping it onto a model; an op
// missing from this table is an error, never skipped.
var ops = map[string]*opSpec{
	"get_or_create_user": {action: model.GetOrCreate, decodeOut: decodeGetOrCreate, noun: "email"},
	"get_user":           {action: model.Get, decodeOut: decodeGetUser, noun: "email"},
	"list_users":         {action: model.List, decodeOut: decodeListUsers, noun: "email"},
	"issue_code":         {action: model.Issue, decodeOut: decodeEmpty, noun: "code"},
	"verify_code":        {action: model.Verify, decodeOut: decodeVerify, noun: "code"},
	"read_code":          {action: model.ReadCode, decodeOut: decodeReadCode, noun: "code"},
	"write":              {action: model.Write, decodeIn: decodeWriteIn, decodeOut: decodeEmpty, noun: "entity"},
	"read":               {action: model.Read, decodeOut: decodeReadOut, noun: "entity"},
	"create_session":     {action: model.Write, decodeIn: decodeCreateSessionIn, decodeOut: decodeEmpty, noun: "session"},
	"delete_session":     {action: model.Write, decodeIn: decodeDeleteSessionIn, decodeOut: decodeEmpty, noun: "session"},
	"read_session":       {action: model.Read, decodeOut: decodeReadSession, noun: "session"},
	"refresh_token":      {action: model.Refresh, decodeIn: decodeRefreshIn, decodeOut: decodeRefreshOut, noun: "session"},
	"read_token":         {action: model.ReadToken, decodeOut: decodeReadToken, noun: "session"},
	// Versioned entities: the shop's products with their variants (one
	// entity under the product's slug, so a variant read and a product
	// read are ordered by one version), CDN folders, domain-search jobs
	// and tenant configs.
	"save_product": advance("product"),
	"get_product":  observe("product"),
	"add_variant":  advance("product's variants"),
	"get_variants": observe("product's variants"),
	"get_variant":  observe("product's variants"),
	"upload_file":  advance("folder"),
	"list_files":   observe("folder"),
	"get_file":     observe("folder"),
	// list_all_files, list_folders and list_jobs read many entities; they
	// record what they showed of the one the user looked for (the op's key).
	"list_all_files": observe("folder"),
	"list_folders":   observe("folder"),
	"advance_job":    advance("job"),
	"get_job":        observe("job"),
	"get_results":    observe("job"),
	"list_jobs":      observe("job"),
	"set_config":     advance("config"),
	"get_config":     observe("config"),
	// A grow-only set (an app's list of orders or uploads).
	"add_element": {action: model.SetAdd, decodeIn: decodeElementIn, decodeOut: decodeEmpty, noun: "set"},
	"read_set":    {action: model.SetRead, decodeOut: decodeElementsOut, noun: "set"},
	"add_read":    {action: model.SetAddRead, decodeIn: decodeElementIn, decodeOut: decodeElementsOut, noun: "set"},
}

func advance(noun string) *opSpec {
	return &opSpec{action: model.Advance, decodeIn: decodeAdvanceIn, decodeOut: decodeEmpty, noun: noun}
}

func observe(noun string) *opSpec {
	return &opSpec{action: model.Observe, decodeOut: decodeObserveOut, noun: noun}
}

// Op is one operation of the history: an invoke paired with its
// completion. Ops are named in explanations by the index of their
// completion event, the one that carries the result.
type Op struct {
	Invoke, Complete int // event indexes
	Line             int // the completion's line (the invoke's if synthesized)
	Process          int
	Session, Variant string
	F, Key           string
	Type             history.Type // OK, Fail or Info
	// Call and Return are nanoseconds; Return is the completion's time even
	// for an info op (porcupine gets infinity instead).
	Call, Return int64
	In           model.Input
	Out          model.Output
	Trace        []history.Statement
	Err          string // the completion's error, for fail and info
	// HTTP is the request an app op sent (an http workload), nil otherwise.
	HTTP *history.HTTP
	spec *opSpec
}

// Model is the model the op belongs to.
func (o *Op) Model() model.Kind { return o.In.Action.Kind() }

// known reports whether the op certainly took effect and its output can be
// trusted.
func (o *Op) known() bool { return o.Type == history.OK }

// knownOps lists the ops the checker knows, for error messages.
func knownOps() string {
	names := make([]string, 0, len(ops))
	for f := range ops {
		names = append(names, f)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}
