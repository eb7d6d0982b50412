package catalog

import (
	"context"
	"fmt"

	"github.com/d1check/d1check/d1"
	"github.com/d1check/d1check/workloads"
)

// Variants is what getProductVariants showed: how many variants, and in
// the checker's versioned forms the product version that added the newest
// one ({at_least}), or, with none, that the product is older than the
// version that adds its first ({below}).
type Variants struct {
	Variants int `json:"variants"`
	workloads.Presence
}

// addVariant is the admin adding a variant: the row, and the product's
// version bump, in one batch. The insert copies from the product's row
// at the previous version, so a product that is not there (or not at that
// version: a step before was lost) gets no variant and no new version.
func addVariant(ctx context.Context, conn workloads.Batcher, t tables, a Args) (any, error) {
	if a.Variant == "" || a.Version < 2 {
		return nil, fmt.Errorf("catalog: add_variant %+v: want a variant id and a version from 2", a)
	}
	rs, err := conn.Batch(ctx, []*d1.Statement{
		conn.Prepare("INSERT INTO "+t.variants+" (id, product_slug, price, stock, added_version)"+
			" SELECT ?, slug, ?, ?, ? FROM "+t.products+" WHERE slug = ? AND version = ?").Bind(a.Variant, a.Price, 10, a.Version, a.Slug, a.Version-1),
		conn.Prepare("UPDATE "+t.products+" SET version = ?, updated_at = datetime('now') WHERE slug = ? AND version = ?").Bind(a.Version, a.Slug, a.Version-1),
	})
	if err != nil {
		return nil, err
	}
	if len(rs) != 2 || rs[0].Meta.Changes == 0 {
		return nil, workloads.NotApplied(fmt.Errorf("catalog: product %s is not there at version %d to add variant %s to", a.Slug, a.Version-1, a.Variant))
	}
	return struct{}{}, nil
}

// getVariants is getProductVariants(slug).
func getVariants(ctx context.Context, conn workloads.Preparer, table, slug string) (any, error) {
	r, err := conn.Prepare("SELECT * FROM " + table + " WHERE product_slug = ? ORDER BY added_version").Bind(slug).All(ctx)
	if err != nil {
		return nil, err
	}
	var newest int64
	for _, row := range r.Results {
		v, ok := row.Int("added_version")
		if !ok {
			return nil, fmt.Errorf("catalog: variant row %v has no integer added_version", row)
		}
		newest = max(newest, v)
	}
	if newest == 0 {
		return Variants{Presence: workloads.PresenceOf(false, variantVersions[0])}, nil
	}
	return Variants{Variants: len(r.Results), Presence: workloads.PresenceOf(true, newest)}, nil
}

// getVariant is getVariantById(id), for the variant that version
// a.Version added.
func getVariant(ctx context.Context, conn workloads.Preparer, table string, a Args) (any, error) {
	if a.Variant == "" || a.Version < 1 {
		return nil, fmt.Errorf("catalog: get_variant %+v: want a variant id and its version", a)
	}
	row, err := conn.Prepare("SELECT * FROM " + table + " WHERE id = ?").Bind(a.Variant).First(ctx)
	if err != nil {
		return nil, err
	}
	if row != nil {
		if v, ok := row.Int("added_version"); !ok || v != a.Version || row["product_slug"] != a.Slug {
			return nil, fmt.Errorf("catalog: variant %s is row %v, want product %s at version %d", a.Variant, row, a.Slug, a.Version)
		}
	}
	return workloads.PresenceOf(row != nil, a.Version), nil
}
