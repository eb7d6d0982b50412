// Package magiccodes is the magic-code login workload of the migration
// guide: issue a code, then verifyMagicCode reads an unused, unexpired code
// and marks it used. Two submits of one code racing, or a verify reading a
// lagging replica, let a code be used twice or reject a valid one, unless
// the check and the write are one statement.
package magiccodes

import (
	"context"
	"fmt"

	"github.com/d1check/d1check/d1"
	"github.com/d1check/d1check/opspec"
	"github.com/d1check/d1check/workloads"
)

// The ops of this workload; opspec declares them and the model each maps
// to (history/FORMAT.md's op tables).
const (
	FIssue  = opspec.FIssueCode  // {email, code} -> {}
	FVerify = opspec.FVerifyCode // {email, code} -> {valid}
	FRead   = opspec.FReadCode   // final read: {email, code} -> {issued, used}
)

// Args is the invoke value of every op; the key is "email/code".
type Args struct {
	Email string `json:"email"`
	Code  string `json:"code"`
}

// Key is the history key of a code.
func (a Args) Key() string { return a.Email + "/" + a.Code }

// Issued is issue_code's ok value: {}.
type Issued struct{}

// Verified is verify_code's ok value.
type Verified struct {
	Valid bool `json:"valid"`
}

// State is read_code's ok value.
type State struct {
	Issued bool `json:"issued"`
	Used   bool `json:"used"`
}

// Workload is the magic-codes workload.
type Workload struct{}

func init() { workloads.Register(Workload{}) }

// Name implements workloads.Workload.
func (Workload) Name() string { return opspec.MagicCodes.Name }

// Variants implements workloads.Workload.
func (Workload) Variants() []string {
	return []string{workloads.Plain, workloads.Unconstrained, workloads.FirstPrimary, workloads.Atomic, workloads.GuideLiteral}
}

// Schema gives each variant its own table, shaped like the guide's, with
// a plain (non-unique) index so lookups by email and code do not scan.
func (Workload) Schema(variants []string) []string {
	var ddl []string
	for _, v := range variants {
		t := workloads.Table("magic_codes", v)
		ddl = append(ddl,
			"CREATE TABLE IF NOT EXISTS "+t+" (id INTEGER PRIMARY KEY AUTOINCREMENT, email TEXT NOT NULL, code TEXT NOT NULL, expires_at TEXT NOT NULL, used_at TEXT)",
			"CREATE INDEX IF NOT EXISTS "+t+"_email_code ON "+t+" (email, code)")
	}
	return ddl
}

// FinalRead maps every op on a code to read_code for it.
func (Workload) FinalRead(op workloads.Op) (workloads.Op, bool) {
	a, ok := op.Value.(Args)
	if !ok || op.F == FRead {
		return workloads.Op{}, false
	}
	return workloads.Op{F: FRead, Key: a.Key(), Value: a}, true
}

// Do implements workloads.Workload.
func (Workload) Do(ctx context.Context, env *workloads.Env, variant string, op workloads.Op) (any, error) {
	a, ok := op.Value.(Args)
	if !ok {
		return nil, fmt.Errorf("magic-codes: op %s: value is %T, want magiccodes.Args", op.F, op.Value)
	}
	t := workloads.Table("magic_codes", variant)
	if op.F == FRead {
		return readCode(ctx, env.DB, t, a)
	}
	var conn workloads.Preparer
	if variant == workloads.Atomic {
		conn = env.Session()
	} else {
		c, ok, err := env.GuideConn(variant)
		if !ok {
			return nil, fmt.Errorf("magic-codes: unknown variant %q", variant)
		}
		if err != nil {
			return nil, err
		}
		conn = c
	}
	switch op.F {
	case FIssue:
		_, err := conn.Prepare("INSERT INTO "+t+" (email, code, expires_at) VALUES (?, ?, datetime('now', '+15 minutes'))").Bind(a.Email, a.Code).Run(ctx)
		if err != nil {
			return nil, err
		}
		return Issued{}, nil
	case FVerify:
		if variant == workloads.Atomic {
			return verifyAtomic(ctx, conn, t, a)
		}
		return verify(ctx, conn, t, a)
	}
	return nil, fmt.Errorf("magic-codes: unknown op %q", op.F)
}

// verify is the guide's verifyMagicCode, queries verbatim: SELECT an
// unused, unexpired code, then mark it used by id. Two submits can both
// pass the SELECT before either UPDATE lands, on the primary as on a
// replica.
func verify(ctx context.Context, conn workloads.Preparer, table string, a Args) (any, error) {
	row, err := conn.Prepare(`SELECT * FROM `+table+` WHERE email = ? AND code = ? AND expires_at > datetime("now") AND used_at IS NULL`).Bind(a.Email, a.Code).First(ctx)
	if err != nil {
		return nil, workloads.NotApplied(err)
	}
	if row == nil {
		return Verified{Valid: false}, nil
	}
	id, ok := row.Int("id")
	if !ok {
		return nil, workloads.NotApplied(fmt.Errorf("magic-codes: row %v has no integer id", row))
	}
	if _, err := conn.Prepare(`UPDATE ` + table + ` SET used_at = datetime("now") WHERE id = ?`).Bind(id).Run(ctx); err != nil {
		return nil, err
	}
	return Verified{Valid: true}, nil
}

// verifyAtomic checks and uses the code in one statement on the primary:
// exactly one of any number of racing submits gets the row back.
func verifyAtomic(ctx context.Context, conn workloads.Preparer, table string, a Args) (any, error) {
	row, err := conn.Prepare(`UPDATE `+table+` SET used_at = datetime('now') WHERE email = ? AND code = ? AND expires_at > datetime('now') AND used_at IS NULL RETURNING id`).Bind(a.Email, a.Code).First(ctx)
	if err != nil {
		return nil, err
	}
	return Verified{Valid: row != nil}, nil
}

// readCode reads a code's rows on the primary (plain env.DB).
func readCode(ctx context.Context, db *d1.Database, table string, a Args) (any, error) {
	r, err := db.Prepare("SELECT used_at FROM "+table+" WHERE email = ? AND code = ?").Bind(a.Email, a.Code).All(ctx)
	if err != nil {
		return nil, err
	}
	st := State{Issued: len(r.Results) > 0}
	for _, row := range r.Results {
		if !row.IsNull("used_at") {
			st.Used = true
		}
	}
	return st, nil
}
