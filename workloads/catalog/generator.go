package catalog

import (
	"fmt"
	"math/rand/v2"

	"github.com/d1check/d1check/workloads"
)

// hotPeriod is one generation of hot products: the admin creates it (slot
// 0), edits the price (1), reloads its page (2), edits again (3) and
// reloads (4).
const hotPeriod = 5

// adminPlan is the admin's op at each slot: the version it saves, or 0
// for a reload of the product page.
var adminPlan = [hotPeriod]int64{1, 2, 0, 3, 0}

// Generator implements workloads.Workload.
//
// Each generation has min(HotKeys, Peers) fresh products, each created
// and edited by one client of the variant (its admin, rotating), so every
// version is written once, in order, and the generator knows it. The other
// clients browse: a share Keys.Hot of their ops read a product being
// edited right now, the rest read the previous generation's products.
func (Workload) Generator(cfg workloads.GenConfig) workloads.Generator {
	return &generator{cfg: cfg, rng: workloads.NewRand(cfg.Seed, cfg.Client)}
}

type generator struct {
	cfg workloads.GenConfig
	rng *rand.Rand
	seq int
}

func (g *generator) Next() workloads.Op {
	seq := g.seq
	g.seq++
	gen, slot := workloads.Generation(seq, hotPeriod)
	n := min(max(g.cfg.Keys.HotKeys, 1), max(g.cfg.Peers, 1))
	p := max(g.cfg.Peers, 1)
	if k := ((g.cfg.Peer-gen*n)%p + p) % p; k < n {
		slug := g.slug(gen, k)
		if v := adminPlan[slot]; v > 0 {
			return workloads.Op{F: FSave, Key: slug, Value: Args{Slug: slug, Version: v, Price: 1000 + 10*v}}
		}
		return g.read(slug)
	}
	if gen > 0 && g.rng.Float64() >= g.cfg.Keys.Hot {
		gen--
	}
	return g.read(g.slug(gen, g.rng.IntN(n)))
}

func (g *generator) slug(gen, k int) string {
	return fmt.Sprintf("p-%s-%d-g%d", g.cfg.Variant, k, gen)
}

func (g *generator) read(slug string) workloads.Op {
	return workloads.Op{F: FGet, Key: slug, Value: Args{Slug: slug}, ReadOnly: true}
}
