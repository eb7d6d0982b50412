// Package auth is phase 1 of the migration guide: the authentication hook.
// A login verifies a magic code, gets or creates the user and inserts a
// session row; every later request runs the hook, which reads the session
// by id (expires_at > datetime("now")) and then its user. A request served
// by a replica that has not seen the login yet finds no session: the user
// appears logged out, unless the client carried the login's bookmark. Two
// requests that notice an expiring token at once both refresh it, even
// after the guide's first-primary read, unless the refresh is one
// compare-and-set on the old token. Logout deletes the row.
package auth

import (
	"context"
	"fmt"
	"slices"

	"github.com/d1check/d1check/opspec"
	"github.com/d1check/d1check/workloads"
)

// The ops of this workload (opspec declares them and their models).
// Session ops map onto a register of who is logged in; refresh_token and
// read_token onto a compare-and-set register of the session's refresh
// token.
const (
	FIssue   = opspec.FIssueCode     // {email, code} -> {}
	FLogin   = opspec.FCreateSession // {email, code} -> {found, user_id}
	FHook    = opspec.FReadSession   // {} -> {found, user_id, email}
	FLogout  = opspec.FDeleteSession // {} -> {}
	FRefresh = opspec.FRefreshToken  // {token} -> {refreshed, old}
	FToken   = opspec.FReadToken     // final read: {} -> {token}
)

// Args is every op's invoke value; each op uses some fields. The key is
// the session id, or "email/code" for issue_code.
type Args struct {
	Session string `json:"session,omitempty"`
	Email   string `json:"email,omitempty"`
	Code    string `json:"code,omitempty"`
	Token   string `json:"token,omitempty"` // refresh_token: the new refresh token
	// Final marks a final read: it runs on the primary, after the traffic.
	Final bool `json:"final,omitempty"`
}

// Hook is read_session's ok value: who the request is logged in as.
type Hook struct {
	Found  bool    `json:"found"`
	UserID *int64  `json:"user_id"`
	Email  *string `json:"email"`
}

// Login is create_session's ok value.
type Login struct {
	Found  bool  `json:"found"`
	UserID int64 `json:"user_id"`
}

// Refreshed is refresh_token's ok value: Old is the token the request
// read, nil when it found no session to refresh.
type Refreshed struct {
	Refreshed bool    `json:"refreshed"`
	Old       *string `json:"old"`
}

// TokenState is read_token's ok value.
type TokenState struct {
	Token *string `json:"token"`
}

// Workload is the auth workload.
type Workload struct{}

func init() { workloads.Register(Workload{}) }

// Name implements workloads.Workload.
func (Workload) Name() string { return opspec.Auth.Name }

// Variants implements workloads.Workload. They differ in how the refresh
// reads and writes; the hook always reads through the request's session
// (env.DB for plain), and the bookmark policy decides what that sees.
func (Workload) Variants() []string {
	return []string{workloads.Plain, workloads.Unconstrained, workloads.FirstPrimary, workloads.Atomic, workloads.GuideLiteral}
}

// tables names a variant's tables.
type tables struct{ codes, users, sessions string }

func tablesOf(variant string) tables {
	return tables{
		codes:    workloads.Table("auth_codes", variant),
		users:    workloads.Table("auth_users", variant),
		sessions: workloads.Table("auth_sessions", variant),
	}
}

// Schema gives each variant its own tables. Users have a unique email so
// the login's getOrCreateUser is one statement (the users workload covers
// the racy one); tokens live on the session row, as the guide's do.
func (Workload) Schema(variants []string) []string {
	var ddl []string
	for _, v := range variants {
		t := tablesOf(v)
		ddl = append(ddl,
			"CREATE TABLE IF NOT EXISTS "+t.codes+" (id INTEGER PRIMARY KEY AUTOINCREMENT, email TEXT NOT NULL, code TEXT NOT NULL, expires_at TEXT NOT NULL, used_at TEXT)",
			"CREATE INDEX IF NOT EXISTS "+t.codes+"_email_code ON "+t.codes+" (email, code)",
			"CREATE TABLE IF NOT EXISTS "+t.users+" (id INTEGER PRIMARY KEY AUTOINCREMENT, email TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL)",
			"CREATE TABLE IF NOT EXISTS "+t.sessions+" (id TEXT PRIMARY KEY, user_id INTEGER NOT NULL, expires_at TEXT NOT NULL, access_token TEXT NOT NULL, refresh_token TEXT NOT NULL, token_expires_at TEXT NOT NULL)")
	}
	return ddl
}

// FinalRead maps a session op to the session's final read, and a refresh
// to the token's. Codes get none: the login's verify is not an op of its
// own, so a code's final state would contradict its ops.
func (Workload) FinalRead(op workloads.Op) (workloads.Op, bool) {
	a, ok := op.Value.(Args)
	if !ok || a.Final {
		return workloads.Op{}, false
	}
	switch op.F {
	case FLogin, FHook, FLogout:
		return workloads.Op{F: FHook, Key: op.Key, Value: Args{Session: a.Session, Final: true}}, true
	case FRefresh:
		return workloads.Op{F: FToken, Key: op.Key, Value: Args{Session: a.Session, Final: true}}, true
	}
	return workloads.Op{}, false
}

// Do implements workloads.Workload.
func (Workload) Do(ctx context.Context, env *workloads.Env, variant string, op workloads.Op) (any, error) {
	a, ok := op.Value.(Args)
	if !ok {
		return nil, fmt.Errorf("auth: op %s: value is %T, want auth.Args", op.F, op.Value)
	}
	if !slices.Contains(Workload{}.Variants(), variant) {
		return nil, fmt.Errorf("auth: unknown variant %q", variant)
	}
	t := tablesOf(variant)
	// The request's connection: env.DB for plain, else the template's
	// withSession(bookmark ?? 'first-unconstrained').
	var req workloads.Preparer = env.DB
	if variant != workloads.Plain && !a.Final {
		req = env.Session()
	}
	switch op.F {
	case FIssue:
		return issue(ctx, req, t, a)
	case FLogin:
		return login(ctx, req, t, a)
	case FHook:
		return hook(ctx, req, t, a)
	case FLogout:
		return logout(ctx, req, t, a)
	case FRefresh:
		return refresh(ctx, env, req, variant, t, a)
	case FToken:
		return readToken(ctx, env.DB, t, a)
	}
	return nil, fmt.Errorf("auth: unknown op %q", op.F)
}
