// Package users is the getOrCreateUser workload of the migration guide:
// read a user by email, insert one if missing. Two requests racing on a new
// email, or one reading a lagging replica, create two users for one email
// unless the check and the write are one statement.
package users

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
	FGetOrCreate = opspec.FGetOrCreateUser // {email} -> {id, created}
	FGetUser     = opspec.FGetUser         // {email} -> {id} (null when absent)
	FListUsers   = opspec.FListUsers       // final read: {email} -> {ids: [...]}
)

// Args is the invoke value of every op: the email, which is also the key.
type Args struct {
	Email string `json:"email"`
}

// Created is get_or_create_user's ok value.
type Created struct {
	ID      int64 `json:"id"`
	Created bool  `json:"created"`
}

// Found is get_user's ok value; ID is nil (JSON null) when there is no user.
type Found struct {
	ID *int64 `json:"id"`
}

// List is list_users's ok value: every row for the email, oldest first.
type List struct {
	IDs []int64 `json:"ids"`
}

// Workload is the users workload.
type Workload struct{}

func init() { workloads.Register(Workload{}) }

// Name implements workloads.Workload.
func (Workload) Name() string { return opspec.Users.Name }

// Variants implements workloads.Workload.
func (Workload) Variants() []string {
	return []string{workloads.Plain, workloads.Unconstrained, workloads.FirstPrimary, workloads.Atomic, workloads.GuideLiteral}
}

// Schema gives each variant its own table. The guide's tables have no
// unique index on email, which is what lets duplicates exist (they get a
// plain index, as any real users table has, so lookups do not scan);
// atomic declares email UNIQUE, which INSERT … ON CONFLICT(email) needs.
func (Workload) Schema(variants []string) []string {
	var ddl []string
	for _, v := range variants {
		t := workloads.Table("users", v)
		if v == workloads.Atomic {
			ddl = append(ddl, "CREATE TABLE IF NOT EXISTS "+t+" (id INTEGER PRIMARY KEY AUTOINCREMENT, email TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL)")
			continue
		}
		ddl = append(ddl,
			"CREATE TABLE IF NOT EXISTS "+t+" (id INTEGER PRIMARY KEY AUTOINCREMENT, email TEXT NOT NULL, created_at TEXT NOT NULL)",
			"CREATE INDEX IF NOT EXISTS "+t+"_email ON "+t+" (email)")
	}
	return ddl
}

// FinalRead maps every op on an email to list_users for it.
func (Workload) FinalRead(op workloads.Op) (workloads.Op, bool) {
	a, ok := op.Value.(Args)
	if !ok || op.F == FListUsers {
		return workloads.Op{}, false
	}
	return workloads.Op{F: FListUsers, Key: a.Email, Value: a}, true
}

// Do implements workloads.Workload.
func (Workload) Do(ctx context.Context, env *workloads.Env, variant string, op workloads.Op) (any, error) {
	a, ok := op.Value.(Args)
	if !ok {
		return nil, fmt.Errorf("users: op %s: value is %T, want users.Args", op.F, op.Value)
	}
	t := workloads.Table("users", variant)
	switch op.F {
	case FListUsers:
		return listUsers(ctx, env.DB, t, a.Email)
	case FGetOrCreate:
		if variant == workloads.Atomic {
			return getOrCreateAtomic(ctx, env, t, a.Email)
		}
		conn, ok, err := env.GuideConn(variant)
		if !ok {
			return nil, fmt.Errorf("users: unknown variant %q", variant)
		}
		if err != nil {
			return nil, err
		}
		return getOrCreate(ctx, conn, t, a.Email)
	case FGetUser:
		if variant == workloads.Atomic {
			// A lookup that must be fresh reads the primary.
			return getUser(ctx, env.SessionFrom(d1.FirstPrimary), t, a.Email)
		}
		conn, ok, err := env.GuideConn(variant)
		if !ok {
			return nil, fmt.Errorf("users: unknown variant %q", variant)
		}
		if err != nil {
			return nil, err
		}
		return getUser(ctx, conn, t, a.Email)
	}
	return nil, fmt.Errorf("users: unknown op %q", op.F)
}

// getOrCreate is the guide's getOrCreateUser: SELECT, and INSERT when the
// SELECT found nothing. Whatever conn is, two calls can both miss and both
// insert.
func getOrCreate(ctx context.Context, conn workloads.Preparer, table, email string) (any, error) {
	existing, err := conn.Prepare("SELECT * FROM " + table + " WHERE email = ?").Bind(email).First(ctx)
	if err != nil {
		return nil, workloads.NotApplied(err)
	}
	if existing != nil {
		id, err := rowID(existing)
		return Created{ID: id}, err
	}
	row, err := conn.Prepare("INSERT INTO " + table + " (email, created_at) VALUES (?, datetime('now')) RETURNING id").Bind(email).First(ctx)
	if err != nil {
		return nil, err
	}
	id, err := rowID(row)
	return Created{ID: id, Created: true}, err
}

// getOrCreateAtomic inserts unless the email exists, in one statement on
// the primary, and reads the existing row only when nothing was inserted,
// in the same session: its bookmark is now at least the write's, so
// whichever replica answers has the row.
func getOrCreateAtomic(ctx context.Context, env *workloads.Env, table, email string) (any, error) {
	s := env.Session()
	row, err := s.Prepare("INSERT INTO " + table + " (email, created_at) VALUES (?, datetime('now')) ON CONFLICT(email) DO NOTHING RETURNING id").Bind(email).First(ctx)
	if err != nil {
		return nil, err
	}
	if row != nil {
		id, err := rowID(row)
		return Created{ID: id, Created: true}, err
	}
	existing, err := s.Prepare("SELECT id FROM " + table + " WHERE email = ?").Bind(email).First(ctx)
	if err != nil {
		// The op wrote nothing: the INSERT did nothing.
		return nil, workloads.NotApplied(err)
	}
	if existing == nil {
		return nil, fmt.Errorf("users: INSERT for %s did nothing, yet the session's read finds no row", email)
	}
	id, err := rowID(existing)
	return Created{ID: id}, err
}

func getUser(ctx context.Context, conn workloads.Preparer, table, email string) (any, error) {
	row, err := conn.Prepare("SELECT * FROM " + table + " WHERE email = ?").Bind(email).First(ctx)
	if err != nil {
		return nil, err
	}
	if row == nil {
		return Found{}, nil
	}
	id, err := rowID(row)
	return Found{ID: &id}, err
}

// listUsers reads every row for email on the primary (plain env.DB).
func listUsers(ctx context.Context, db *d1.Database, table, email string) (any, error) {
	r, err := db.Prepare("SELECT id FROM " + table + " WHERE email = ? ORDER BY id").Bind(email).All(ctx)
	if err != nil {
		return nil, err
	}
	out := List{IDs: make([]int64, 0, len(r.Results))}
	for _, row := range r.Results {
		id, err := rowID(row)
		if err != nil {
			return nil, err
		}
		out.IDs = append(out.IDs, id)
	}
	return out, nil
}

func rowID(r d1.Row) (int64, error) {
	id, ok := r.Int("id")
	if !ok {
		return 0, fmt.Errorf("users: row %v has no integer id", r)
	}
	return id, nil
}
