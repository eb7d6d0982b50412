// Package opspec declares every op d1check's workloads emit: its name (the
// history's f), what its key names, and the checker model it maps onto
// (its Shape). It is the one place these facts live: a workload names its
// ops from here, and the checker builds its decoders from here, so that it
// can check a saved history without importing any workload's code. It
// imports nothing.
//
// A workload adds an op by declaring it in its list below; the checker
// then needs a decoder for its Shape (a test fails until it has one), and a
// test that runs every generator fails for an op emitted but not declared.
package opspec

// Shape is how the checker reads an op: the model action it is, and the
// JSON contract of its invoke and ok values.
type Shape string

// Create-once: a row created at most once per key (a user per email).
const (
	GetOrCreate Shape = "get-or-create" // {email} -> {id, created}
	Get         Shape = "get"           // {email} -> {id} (id null when absent)
	List        Shape = "list"          // final read: {email} -> {ids}
)

// Single-use: a code issued once, accepted at most once.
const (
	Issue    Shape = "issue"     // {email, code} -> {}
	Verify   Shape = "verify"    // {email, code} -> {valid}
	ReadCode Shape = "read-code" // final read: {email, code} -> {issued, used}
)

// Register: one value, written and read.
const (
	Write Shape = "write" // {value} -> {}
	Read  Shape = "read"  // {} -> {value}
	// Login writes who is logged in: the value is the invoke's email (else
	// user_id).
	Login Shape = "login" // {email | user_id, …} -> {}
	// Logout writes null.
	Logout Shape = "logout" // {} -> {}
	// ReadSession reads who is logged in: {found, email | user_id}.
	ReadSession Shape = "read-session"
)

// Compare-and-set: a value replaced only from the value read (a refresh
// token).
const (
	Refresh   Shape = "refresh"    // {token} -> {refreshed, old}
	ReadToken Shape = "read-token" // final read: {} -> {token}
)

// Versioned: an entity whose writes carry increasing versions, read with
// lag allowed but never backwards.
const (
	Advance Shape = "advance" // {version, …} -> {}
	Observe Shape = "observe" // {…} -> the version seen
)

// Grow-only set: elements added, never removed (an app's list of orders or
// uploads).
const (
	SetAdd     Shape = "set-add"      // {element} -> {}
	SetRead    Shape = "set-read"     // {} -> {elements}
	SetAddRead Shape = "set-add-read" // {element} -> {elements}: a request that adds and lists
)

// Shapes lists every shape, for the checker's test that it decodes each.
var Shapes = []Shape{GetOrCreate, Get, List, Issue, Verify, ReadCode, Write, Read, Login, Logout, ReadSession,
	Refresh, ReadToken, Advance, Observe, SetAdd, SetRead, SetAddRead}

// ReadOnly reports whether an op of this shape only reads. A read that
// fails cannot have changed anything, so its outcome is certain even when
// its request's fate is not (workloads.OutcomeOf), and the checker leaves
// such a read out (its model actions agree: checker's TestEveryShapeDecodes).
func (s Shape) ReadOnly() bool {
	switch s {
	case Get, List, ReadCode, Read, ReadSession, ReadToken, Observe, SetRead:
		return true
	}
	return false
}

// Op is one op: its name, how the checker reads it, and what its key
// names in a sentence ("email", "code", "folder").
type Op struct {
	F     string
	Shape Shape
	Noun  string
}

// Workload is one workload's name, its heading in a report, and its ops.
type Workload struct {
	Name  string
	Title string
	Ops   []Op
}

// Workloads lists every workload in the migration guide's order: its four
// phases (auth hooks, shop catalog reads, CDN files, domain search), then
// the two read-then-write patterns it singles out. Reports keep this order.
var Workloads = []Workload{Auth, Catalog, CDN, DomainSearch, Users, MagicCodes}

// Generic ops belong to no Go workload: a plain register and a grow-only
// set, which hand-written histories and the HTTP app workload (whose
// declaration, in httpspec, maps an app's requests onto models) record.
var Generic = Workload{Name: "", Ops: []Op{
	{FWrite, Write, "entity"}, {FRead, Read, "entity"},
	{FAddElement, SetAdd, "set"}, {FReadSet, SetRead, "set"}, {FAddRead, SetAddRead, "set"},
}}

// All is every declared op, each name once (two workloads may share an op,
// as auth and magic-codes share issue_code).
func All() []Op {
	var out []Op
	seen := map[string]bool{}
	for _, w := range append(Workloads[:len(Workloads):len(Workloads)], Generic) {
		for _, o := range w.Ops {
			if !seen[o.F] {
				seen[o.F] = true
				out = append(out, o)
			}
		}
	}
	return out
}

// ShapeOf is the shape op f is declared with.
func ShapeOf(f string) (Shape, bool) {
	for _, o := range All() {
		if o.F == f {
			return o.Shape, true
		}
	}
	return "", false
}

// Lookup is the workload declared under name.
func Lookup(name string) (Workload, bool) {
	for _, w := range Workloads {
		if w.Name == name {
			return w, true
		}
	}
	return Workload{}, false
}
