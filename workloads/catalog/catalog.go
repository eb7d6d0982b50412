// Package catalog is phase 2 of the migration guide: shop product reads.
// An admin creates a product, adds its variants (price, stock) and edits
// its price while shoppers browse getProductBySlug, getProductVariants
// and getVariantById. Every write carries the product's next version, so
// "the price flipped back" is decidable: the admin must see its own edit
// in its next request, and a shopper must never see an older version
// than one it already saw. Both hold only when the client carries the
// bookmark between requests; a stale price for a shopper who never saw
// the new one is allowed (D1 promises nothing across sessions).
//
// A product and its variants are one versioned entity, keyed by the
// product's slug: adding a variant bumps the product's version in the
// same batch, so a variant is visible exactly from the version that
// added it. That makes "a variant is never visible before its product"
// one more way of going back: a shopper shown a variant who then reads
// the product as absent saw the product's version drop below the
// variant's.
package catalog

import (
	"context"
	"fmt"

	"github.com/d1check/d1check/opspec"
	"github.com/d1check/d1check/workloads"
)

// The ops of this workload (opspec declares them and their models),
// versioned reads and writes of a product and its variants; every op's key
// is the product's slug.
const (
	FSave        = opspec.FSaveProduct // {slug, version, price} -> {}
	FGet         = opspec.FGetProduct  // {slug} -> {version, price} (version null when absent)
	FAddVariant  = opspec.FAddVariant  // {slug, variant, version, price} -> {}
	FGetVariants = opspec.FGetVariants // getProductVariants: {slug} -> Variants
	FGetVariant  = opspec.FGetVariant  // getVariantById: {slug, variant, version} -> workloads.Presence
)

// Args is both ops' invoke value; the key is the slug.
type Args struct {
	Slug    string `json:"slug"`
	Version int64  `json:"version,omitempty"`
	Price   int64  `json:"price,omitempty"`
	// Variant is a variant's id (add_variant, get_variant); Version is
	// then the product version its add makes.
	Variant string `json:"variant,omitempty"`
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
func (Workload) Name() string { return opspec.Catalog.Name }

// Variants implements workloads.Workload: the shop's functions take
// "D1Database | D1Session", so the variants are env.DB (plain) and the
// request's session (unconstrained, the guide's phase-2 pattern); the
// bookmark policy decides what the session sees.
func (Workload) Variants() []string { return []string{workloads.Plain, workloads.Unconstrained} }

// Schema gives each variant its own products and product variants
// tables.
func (Workload) Schema(variants []string) []string {
	var ddl []string
	for _, v := range variants {
		t := tablesOf(v)
		ddl = append(ddl, "CREATE TABLE IF NOT EXISTS "+t.products+
			" (slug TEXT PRIMARY KEY, price INTEGER NOT NULL, version INTEGER NOT NULL, updated_at TEXT NOT NULL)",
			"CREATE TABLE IF NOT EXISTS "+t.variants+" (id TEXT PRIMARY KEY, product_slug TEXT NOT NULL,"+
				" price INTEGER NOT NULL, stock INTEGER NOT NULL, added_version INTEGER NOT NULL)",
			"CREATE INDEX IF NOT EXISTS "+t.variants+"_product ON "+t.variants+" (product_slug)")
	}
	return ddl
}

// tables are one variant's tables.
type tables struct{ products, variants string }

func tablesOf(variant string) tables {
	return tables{products: workloads.Table("products", variant), variants: workloads.Table("product_variants", variant)}
}

// FinalRead maps every op on a product to get_product on the primary.
func (Workload) FinalRead(op workloads.Op) (workloads.Op, bool) {
	a, ok := op.Value.(Args)
	if !ok || a.Final {
		return workloads.Op{}, false
	}
	return workloads.Op{F: FGet, Key: a.Slug, Value: Args{Slug: a.Slug, Final: true}}, true
}

// Do implements workloads.Workload.
func (Workload) Do(ctx context.Context, env *workloads.Env, variant string, op workloads.Op) (any, error) {
	a, ok := op.Value.(Args)
	if !ok {
		return nil, fmt.Errorf("catalog: op %s: value is %T, want catalog.Args", op.F, op.Value)
	}
	if a.Slug == "" || a.Slug != op.Key {
		return nil, fmt.Errorf("catalog: op %s: key %q is not the slug %q", op.F, op.Key, a.Slug)
	}
	conn, err := env.RequestConn(variant, a.Final)
	if err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	t := tablesOf(variant)
	switch op.F {
	case FSave:
		return save(ctx, conn, t.products, a)
	case FGet:
		return get(ctx, conn, t.products, a.Slug)
	case FAddVariant:
		return addVariant(ctx, conn, t, a)
	case FGetVariants:
		return getVariants(ctx, conn, t.variants, a.Slug)
	case FGetVariant:
		return getVariant(ctx, conn, t.variants, a)
	}
	return nil, fmt.Errorf("catalog: unknown op %q", op.F)
}

// save is the admin's create (version 1) or price edit.
func save(ctx context.Context, conn workloads.Preparer, t string, a Args) (any, error) {
	// Guarded on the previous version, so version v always means every
	// step before it happened: a write whose request was lost before it
	// ran makes the next one fail instead of skipping a version.
	sql := "UPDATE " + t + " SET price = ?, version = ?, updated_at = datetime('now') WHERE slug = ? AND version = ?"
	args := []any{a.Price, a.Version, a.Slug, a.Version - 1}
	if a.Version == 1 {
		sql = "INSERT INTO " + t + " (price, version, slug, updated_at) VALUES (?, ?, ?, datetime('now'))"
		args = args[:3]
	}
	r, err := conn.Prepare(sql).Bind(args...).Run(ctx)
	if err != nil {
		return nil, err
	}
	if r.Meta.Changes == 0 {
		return nil, workloads.NotApplied(fmt.Errorf("catalog: product %s is not there at version %d to edit", a.Slug, a.Version-1))
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
