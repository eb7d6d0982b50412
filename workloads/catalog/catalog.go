// Package catalog is phase 2 of the migration guide: shop product reads.
// An admin creates a product and edits its price while shoppers browse
// getProductBySlug. Every write carries the product's next version, so
// "the price flipped back" is decidable: the admin must see its own edit
// in its next request, and a shopper must never see an older version
// than one it already saw. Both hold only when the client carries the
// bookmark between requests; a stale price for a shopper who never saw
// the new one is allowed (D1 promises nothing across sessions).
package catalog

import (
	"context"
	"fmt"
	"slices"

	"github.com/d1check/d1check/workloads"
)

// The ops of this workload, versioned reads and writes of a product.
const (
	FSave = "save_product" // {slug, version, price} -> {}
	FGet  = "get_product"  // {slug} -> {version, price} (version null when absent)
)

// Args is both ops' invoke value; the key is the slug.
type Args struct {
	Slug    string `json:"slug"`
	Version int64  `json:"version,omitempty"`
	Price   int64  `json:"price,omitempty"`
	// Final marks the final read: on the primary, after the traffic.
	Final bool `json:"final,omitempty"`
}

// Product is get_product's ok value.
type Product struct {
	Version *int64 `json:"version"`
	Price   *int64 `json:"price"`
}

// Workload is the catalog workload.
type Workload struct{}

func init() { workloads.Register(Workload{}) }

// Name implements workloads.Workload.
func (Workload) Name() string { return "catalog" }

// Variants implements workloads.Workload: the shop's functions take
// "D1Database | D1Session", so the variants are env.DB (plain) and the
// request's session (unconstrained, the guide's phase-2 pattern); the
// bookmark policy decides what the session sees.
func (Workload) Variants() []string { return []string{workloads.Plain, workloads.Unconstrained} }

// Schema gives each variant its own products table.
func (Workload) Schema(variants []string) []string {
	var ddl []string
	for _, v := range variants {
		ddl = append(ddl, "CREATE TABLE IF NOT EXISTS "+workloads.Table("products", v)+
			" (slug TEXT PRIMARY KEY, price INTEGER NOT NULL, version INTEGER NOT NULL, updated_at TEXT NOT NULL)")
	}
	return ddl
}

// FinalRead maps every op on a product to get_product on the primary.
func (Workload) FinalRead(op workloads.Op) (workloads.Op, bool) {
	a, ok := op.Value.(Args)
	if !ok || a.Final {
		return workloads.Op{}, false
	}
	return workloads.Op{F: FGet, Key: a.Slug, Value: Args{Slug: a.Slug, Final: true}, ReadOnly: true}, true
}

// Do implements workloads.Workload.
func (Workload) Do(ctx context.Context, env *workloads.Env, variant string, op workloads.Op) (any, error) {
	a, ok := op.Value.(Args)
	if !ok {
		return nil, fmt.Errorf("catalog: op %s: value is %T, want catalog.Args", op.F, op.Value)
	}
	if !slices.Contains(Workload{}.Variants(), variant) {
		return nil, fmt.Errorf("catalog: unknown variant %q", variant)
	}
	t := workloads.Table("products", variant)
	var conn workloads.Preparer = env.DB
	if variant == workloads.Unconstrained && !a.Final {
		conn = env.Session()
	}
	switch op.F {
	case FSave:
		return save(ctx, conn, t, a)
	case FGet:
		return get(ctx, conn, t, a.Slug)
	}
	return nil, fmt.Errorf("catalog: unknown op %q", op.F)
}

// save is the admin's create (version 1) or price edit.
func save(ctx context.Context, conn workloads.Preparer, t string, a Args) (any, error) {
	sql := "UPDATE " + t + " SET price = ?, version = ?, updated_at = datetime('now') WHERE slug = ?"
	args := []any{a.Price, a.Version, a.Slug}
	if a.Version == 1 {
		sql = "INSERT INTO " + t + " (price, version, slug, updated_at) VALUES (?, ?, ?, datetime('now'))"
	}
	if _, err := conn.Prepare(sql).Bind(args...).Run(ctx); err != nil {
		return nil, err
	}
	return struct{}{}, nil
}

// get is getProductBySlug.
func get(ctx context.Context, conn workloads.Preparer, t, slug string) (any, error) {
	row, err := conn.Prepare("SELECT * FROM " + t + " WHERE slug = ?").Bind(slug).First(ctx)
	if err != nil || row == nil {
		return Product{}, err
	}
	v, ok1 := row.Int("version")
	p, ok2 := row.Int("price")
	if !ok1 || !ok2 {
		return nil, fmt.Errorf("catalog: row %v has no integer version and price", row)
	}
	return Product{Version: &v, Price: &p}, nil
}
