package checker

// This file is the checker's vocabulary: the verdicts, the checks, the
// anomaly kinds, and which check emits each kind with whom it blames. It is
// the one list: the scenario parser's expect validation, the self-test's
// cells, the reports and reports/SCHEMA.md (a test compares them) all read
// it from here.

// Verdicts lists every verdict, from best to worst.
var Verdicts = []Verdict{Valid, Unknown, Invalid}

// Worse returns the verdict of two checks (or runs) together: invalid
// beats unknown beats valid, and anything unrecognised (an empty verdict,
// one from a newer d1check) is unknown, never valid.
func Worse(a, b Verdict) Verdict {
	switch {
	case a == Invalid || b == Invalid:
		return Invalid
	case a != Valid || b != Valid:
		return Unknown
	}
	return Valid
}

// Check names, as summary.json spells them.
const (
	CheckLinearizability   = "linearizability"
	CheckSessionGuarantees = "session-guarantees"
	CheckInvariants        = "invariants"
)

// Checks lists the checks in the order Check runs them and the report
// shows them.
var Checks = []string{CheckLinearizability, CheckSessionGuarantees, CheckInvariants}

// Kind is an anomaly's kind.
type Kind string

const (
	DuplicateCreate    Kind = "duplicate-create"
	StaleRead          Kind = "stale-read"
	DoubleUse          Kind = "double-use"
	FalseReject        Kind = "false-reject"
	ReadYourWrites     Kind = "read-your-writes"
	MonotonicRead      Kind = "monotonic-read"
	BookmarkRegression Kind = "bookmark-regression"
	LostWrite          Kind = "lost-write"
	// LostUpdate is a read-modify-write that overwrote a concurrent one's
	// result: two token refreshes both replacing the same old token.
	LostUpdate Kind = "lost-update"
	// NonLinearizable is a partition porcupine rejects that none of the
	// kinds above explains; its explanation quotes the longest
	// linearizable prefix porcupine found.
	NonLinearizable Kind = "non-linearizable"
)

// Blame says whom an anomaly indicts.
type Blame string

const (
	// BlameApplication: the access pattern is wrong. Cross-session
	// linearizability failures and broken invariants are what an
	// unconstrained read-then-write is expected to produce.
	BlameApplication Blame = "application"
	// BlameDatabase: D1 (or the emulator, or the driver) broke a promise it
	// makes: a session guarantee, a bookmark order, an acknowledged write.
	BlameDatabase Blame = "database"
)

// Blames lists both sides, in the order the report shows them.
var Blames = []Blame{BlameApplication, BlameDatabase}

// Emission is one check emitting one kind of anomaly, and whom that
// anomaly blames. For linearizability that is where blame starts: an
// anomaly a broken promise of D1 fully explains (the same read broke a
// session guarantee, or an acknowledged write was lost) is then moved to
// the database (blameExplained), and the report shows what the checker
// decided.
type Emission struct {
	Kind  Kind
	Check string
	Blame Blame
}

// emissions is every (kind, check) pair the checker can produce. A kind
// appears once per check that emits it: a monotonic read within a session
// is D1's broken promise, across a client's requests (the versioned
// model's) the application's dropped bookmark.
var emissions = []Emission{
	{DuplicateCreate, CheckLinearizability, BlameApplication},
	{DuplicateCreate, CheckInvariants, BlameApplication},
	{StaleRead, CheckLinearizability, BlameApplication},
	{DoubleUse, CheckLinearizability, BlameApplication},
	{DoubleUse, CheckInvariants, BlameApplication},
	{FalseReject, CheckLinearizability, BlameApplication},
	{ReadYourWrites, CheckSessionGuarantees, BlameDatabase},
	{MonotonicRead, CheckSessionGuarantees, BlameDatabase},
	{MonotonicRead, CheckLinearizability, BlameApplication},
	{BookmarkRegression, CheckSessionGuarantees, BlameDatabase},
	{LostWrite, CheckInvariants, BlameDatabase},
	{LostUpdate, CheckLinearizability, BlameApplication},
	{NonLinearizable, CheckLinearizability, BlameApplication},
}

// Emissions lists every (kind, check, blame) the checker can produce.
func Emissions() []Emission { return append([]Emission(nil), emissions...) }

// Kinds lists every anomaly kind, each once, in the order of Emissions.
func Kinds() []Kind {
	var out []Kind
	seen := map[Kind]bool{}
	for _, e := range emissions {
		if !seen[e.Kind] {
			seen[e.Kind] = true
			out = append(out, e.Kind)
		}
	}
	return out
}

// KindsOf lists the kinds check emits.
func KindsOf(check string) []Kind {
	var out []Kind
	for _, e := range emissions {
		if e.Check == check {
			out = append(out, e.Kind)
		}
	}
	return out
}

// BlameOf is whom an anomaly of kind found by check blames. An anomaly read
// back from a file may lack its blame or come from a newer checker; it
// then gets this answer, and a kind this checker does not know blames the
// application (the side a developer can act on).
func BlameOf(kind Kind, check string) Blame {
	for _, e := range emissions {
		if e.Kind == kind && (e.Check == check || check == "") {
			return e.Blame
		}
	}
	return BlameApplication
}
