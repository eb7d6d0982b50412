package auth

import (
	"context"
	"errors"
	"fmt"

	"github.com/d1check/d1check/d1"
	"github.com/d1check/d1check/workloads"
)

// issue is "send me a code": the code the login will verify.
func issue(ctx context.Context, conn workloads.Preparer, t tables, a Args) (any, error) {
	_, err := conn.Prepare("INSERT INTO "+t.codes+" (email, code, expires_at) VALUES (?, ?, datetime('now', '+15 minutes'))").Bind(a.Email, a.Code).Run(ctx)
	if err != nil {
		return nil, err
	}
	return struct{}{}, nil
}

// errRejected is a login whose code was not accepted: nothing was written.
var errRejected = errors.New("auth: the login's code was rejected")

// login verifies the code (one UPDATE … RETURNING on the primary, so a
// valid code is never rejected: the magic-codes workload tests the racy
// verify), gets or creates the user in one statement, and inserts the
// session row with a day to live and a refresh token. Only the last
// statement writes the session: an error before it means no session.
func login(ctx context.Context, conn workloads.Preparer, t tables, a Args) (any, error) {
	code, err := conn.Prepare(`UPDATE `+t.codes+` SET used_at = datetime('now') WHERE email = ? AND code = ? AND expires_at > datetime('now') AND used_at IS NULL RETURNING id`).Bind(a.Email, a.Code).First(ctx)
	if err != nil {
		return nil, workloads.NotApplied(err)
	}
	if code == nil {
		return nil, workloads.NotApplied(errRejected)
	}
	uid, err := getOrCreateUser(ctx, conn, t, a.Email)
	if err != nil {
		return nil, workloads.NotApplied(err)
	}
	_, err = conn.Prepare(`INSERT INTO `+t.sessions+` (id, user_id, expires_at, access_token, refresh_token, token_expires_at) VALUES (?, ?, datetime('now', '+1 day'), ?, ?, datetime('now', '+5 minutes'))`).
		Bind(a.Session, uid, "at-"+a.Session+"-0", InitialToken(a.Session)).Run(ctx)
	if err != nil {
		return nil, err
	}
	return Login{Found: true, UserID: uid}, nil
}

// InitialToken is the refresh token a login gives the session.
func InitialToken(session string) string { return "rt-" + session + "-0" }

// getOrCreateUser inserts the user unless the email exists, then reads the
// existing row in the same session, whose bookmark is now at least the
// write's.
func getOrCreateUser(ctx context.Context, conn workloads.Preparer, t tables, email string) (int64, error) {
	row, err := conn.Prepare("INSERT INTO " + t.users + " (email, created_at) VALUES (?, datetime('now')) ON CONFLICT(email) DO NOTHING RETURNING id").Bind(email).First(ctx)
	if err != nil {
		return 0, err
	}
	if row == nil {
		if row, err = conn.Prepare("SELECT id FROM " + t.users + " WHERE email = ?").Bind(email).First(ctx); err != nil {
			return 0, err
		}
		if row == nil {
			return 0, fmt.Errorf("auth: INSERT for %s did nothing, yet the session's read finds no user", email)
		}
	}
	return intCol(row, "id")
}

// hook is the guide's hooks.server.ts: the session by id, unexpired, then
// its user, through the request's connection.
func hook(ctx context.Context, conn workloads.Preparer, t tables, a Args) (any, error) {
	s, err := conn.Prepare(`SELECT * FROM ` + t.sessions + ` WHERE id = ? AND expires_at > datetime("now")`).Bind(a.Session).First(ctx)
	if err != nil || s == nil {
		return Hook{}, err
	}
	uid, err := intCol(s, "user_id")
	if err != nil {
		return nil, err
	}
	u, err := conn.Prepare(`SELECT * FROM ` + t.users + ` WHERE id = ?`).Bind(uid).First(ctx)
	if err != nil {
		return nil, err
	}
	if u == nil {
		// The user row commits before the session row, so any replica
		// with the session has the user.
		return nil, fmt.Errorf("auth: session %s names user %d, who does not exist", a.Session, uid)
	}
	email, ok := u.String("email")
	if !ok {
		return nil, fmt.Errorf("auth: user row %v has no email", u)
	}
	return Hook{Found: true, UserID: &uid, Email: &email}, nil
}

// logout deletes the session row.
func logout(ctx context.Context, conn workloads.Preparer, t tables, a Args) (any, error) {
	if _, err := conn.Prepare("DELETE FROM " + t.sessions + " WHERE id = ?").Bind(a.Session).Run(ctx); err != nil {
		return nil, err
	}
	return struct{}{}, nil
}

func intCol(r d1.Row, col string) (int64, error) {
	v, ok := r.Int(col)
	if !ok {
		return 0, fmt.Errorf("auth: row %v has no integer %s", r, col)
	}
	return v, nil
}
