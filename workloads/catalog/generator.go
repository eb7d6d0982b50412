package catalog

import (
	"fmt"

	"github.com/d1check/d1check/workloads"
)

// hotPeriod is one generation of hot products: the admin creates it (slot
// 0), adds a variant (1), reloads the product page (2), edits the price
// (3), adds a second variant (4) and reloads the variants page (5).
const hotPeriod = 6

// adminPlan is the admin's op at each slot, the version a write makes,
// and which variant (from 1) an add_variant adds.
var adminPlan = [hotPeriod]struct {
	f       string
	version int64
	variant int
}{{FSave, 1, 0}, {FAddVariant, 2, 1}, {FGet, 0, 0}, {FSave, 3, 0}, {FAddVariant, 4, 2}, {FGetVariants, 0, 0}}

// variantVersions are the product versions that add its variants, in
// order: variant i+1 is added by version variantVersions[i], as in
// adminPlan.
var variantVersions = [...]int64{2, 4}

// variantID names the i-th variant (from 1) of slug.
func variantID(slug string, i int) string { return fmt.Sprintf("%s-var%d", slug, i) }

// Generator implements workloads.Workload.
//
// Each generation has min(HotKeys, Peers) fresh products, each created,
// given variants and edited by one client of the variant (its admin,
// rotating), so every version is written once, in order, and the
// generator knows it. The other clients browse: a share Keys.Hot of their
// ops read a product being edited right now, the rest the previous
// generation's products, through getProductBySlug, getProductVariants or
// getVariantById.
func (Workload) Generator(cfg workloads.GenConfig) workloads.Generator {
	return &generator{Stream: workloads.NewStream(cfg)}
}

type generator struct {
	workloads.Stream
}

func (g *generator) Next() workloads.Op {
	seq := g.Step()
	gen, slot := workloads.Generation(seq, hotPeriod)
	if k, ok := g.Owns(gen); ok {
		slug := g.slug(gen, k)
		switch p := adminPlan[slot]; p.f {
		case FSave:
			return workloads.Op{F: FSave, Key: slug, Value: Args{Slug: slug, Version: p.version, Price: 1000 + 10*p.version}}
		case FAddVariant:
			return workloads.Op{F: FAddVariant, Key: slug, Value: Args{Slug: slug, Variant: variantID(slug, p.variant), Version: p.version, Price: 1000 + 100*int64(p.variant)}}
		default:
			return g.read(p.f, slug)
		}
	}
	if gen > 0 && g.Rng.Float64() >= g.Cfg.Keys.Hot {
		gen--
	}
	slug := g.slug(gen, g.Rng.IntN(g.LiveHotKeys()))
	switch x := g.Rng.Float64(); {
	case x < 0.5:
		return g.read(FGet, slug)
	case x < 0.75:
		return g.read(FGetVariants, slug)
	default:
		i := 1 + g.Rng.IntN(len(variantVersions))
		return workloads.Op{F: FGetVariant, Key: slug, Value: Args{Slug: slug, Variant: variantID(slug, i), Version: variantVersions[i-1]}}
	}
}

func (g *generator) slug(gen, k int) string {
	return fmt.Sprintf("p-%s-%d-g%d", g.Cfg.Variant, k, gen)
}

func (g *generator) read(f, slug string) workloads.Op {
	return workloads.Op{F: f, Key: slug, Value: Args{Slug: slug}}
}
