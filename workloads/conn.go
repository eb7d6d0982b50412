package workloads

import (
	"context"
	"fmt"

	"github.com/d1check/d1check/d1"
)

// Batcher is what the guide's "D1Database | D1Session" parameter offers
// a function that writes several rows at once: prepare() and batch().
type Batcher interface {
	Preparer
	Batch(ctx context.Context, stmts []*d1.Statement) ([]d1.Result, error)
}

// RequestConn is what the guide's phase 2–4 read and write functions are
// handed in variant: those functions only change to accept "D1Database |
// D1Session", so plain passes env.DB (primary only) and unconstrained the
// request's session, withSession(bookmark ?? 'first-unconstrained'), whose
// freshness the bookmark policy decides. A final read (final true) always
// uses env.DB: it runs on the primary after the traffic, whatever the
// variant. Any other variant is an error: these functions have no
// read-then-write to fix with first-primary or one atomic statement.
func (e *Env) RequestConn(variant string, final bool) (Batcher, error) {
	switch {
	case variant != Plain && variant != Unconstrained:
		return nil, fmt.Errorf("variant %q: want %s or %s", variant, Plain, Unconstrained)
	case variant == Unconstrained && !final:
		return e.Session(), nil
	}
	return e.DB, nil
}
