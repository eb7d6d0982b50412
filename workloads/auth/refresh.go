package auth

import (
	"context"
	"fmt"

	"github.com/d1check/d1check/d1"
	"github.com/d1check/d1check/workloads"
)

// Tokens live five minutes and a refresh is due when fewer than ten
// remain, so every refresh request finds its token expiring: the race is
// over who refreshes, never whether.
const (
	expiring = `token_expires_at < datetime('now', '+10 minutes')`
	renewed  = `token_expires_at = datetime('now', '+5 minutes')`
)

// refresh is the guide's token refresh. Every variant but atomic reads the
// session's token, then overwrites it by id: plain through env.DB,
// unconstrained through the request's session, first-primary through
// withSession('first-primary') (the guide's intent), guide-literal through
// the guide's withSession({constraint: …}), which throws. Two requests
// can both read the old token before either writes, wherever they read.
// Atomic reads the token through the request's session and replaces it
// only if it is still the one read: UPDATE … WHERE refresh_token = old.
func refresh(ctx context.Context, env *workloads.Env, req workloads.Preparer, variant string, t tables, a Args) (any, error) {
	conn := req
	if variant != workloads.Atomic {
		c, _, err := env.GuideConn(variant)
		if err != nil {
			return nil, err
		}
		conn = c
	}
	row, err := conn.Prepare(`SELECT refresh_token FROM ` + t.sessions + ` WHERE id = ? AND ` + expiring).Bind(a.Session).First(ctx)
	if err != nil {
		return nil, workloads.NotApplied(err)
	}
	if row == nil {
		return Refreshed{}, nil
	}
	old, ok := row.String("refresh_token")
	if !ok {
		return nil, workloads.NotApplied(fmt.Errorf("auth: row %v has no refresh_token", row))
	}
	access := "at-" + a.Token
	if variant == workloads.Atomic {
		won, err := conn.Prepare(`UPDATE `+t.sessions+` SET access_token = ?, refresh_token = ?, `+renewed+` WHERE id = ? AND refresh_token = ? RETURNING id`).
			Bind(access, a.Token, a.Session, old).First(ctx)
		if err != nil {
			return nil, err
		}
		return Refreshed{Refreshed: won != nil, Old: &old}, nil
	}
	r, err := conn.Prepare(`UPDATE `+t.sessions+` SET access_token = ?, refresh_token = ?, `+renewed+` WHERE id = ?`).Bind(access, a.Token, a.Session).Run(ctx)
	if err != nil {
		return nil, err
	}
	if r.Meta.Changes == 0 {
		return Refreshed{}, nil // the session went away: no claim on its token
	}
	return Refreshed{Refreshed: true, Old: &old}, nil
}

// readToken is the final read of a session's refresh token, on the
// primary.
func readToken(ctx context.Context, db *d1.Database, t tables, a Args) (any, error) {
	row, err := db.Prepare("SELECT refresh_token FROM " + t.sessions + " WHERE id = ?").Bind(a.Session).First(ctx)
	if err != nil || row == nil {
		return TokenState{}, err
	}
	tok, ok := row.String("refresh_token")
	if !ok {
		return nil, fmt.Errorf("auth: row %v has no refresh_token", row)
	}
	return TokenState{Token: &tok}, nil
}
