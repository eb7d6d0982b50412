package domainsearch

import (
	"fmt"

	"github.com/d1check/d1check/workloads"
)

// hotPeriod is one generation: a job is submitted at its start, and run
// by its worker in the first three slots of the next generation, while
// its submitter keeps polling it.
const hotPeriod = 6

// Generator implements workloads.Workload.
//
// Each generation has n = min(HotKeys, Peers/3) fresh jobs. In the
// rotation of peers (workloads.Rotation), the peer in place k < n submits
// job k of the generation and polls it for the rest of the generation and
// all of the next one; the peer in place n+k is the worker of the
// previous generation's job k: it starts it, inserts its results and
// completes it, one step per request, then polls it (the worker of job 0
// also saves a tenant's config, saves it again as a double click does —
// a batch that must fail whole — and reloads it). The other peers watch: a
// share Keys.Hot of their ops poll a job of this or the last generation,
// the rest read a tenant's active config. Polls cycle through
// getSearchJob, getJobResults and listSearchJobs.
//
// With fewer than three peers, each client runs its own job, worker
// included, polling it once, and peer 0 saves the configs the others
// read.
func (Workload) Generator(cfg workloads.GenConfig) workloads.Generator {
	return &generator{Stream: workloads.NewStream(cfg)}
}

type generator struct {
	workloads.Stream
}

func (g *generator) Next() workloads.Op {
	seq := g.Step()
	gen, slot := workloads.Generation(seq, hotPeriod)
	n := min(max(g.Cfg.Keys.HotKeys, 1), g.Cfg.Peers/3)
	if n < 1 {
		return g.solo(gen, slot)
	}
	peers := g.Cfg.Peers
	pos, _ := workloads.Rotation(g.Cfg.Peer, peers, gen, n)
	switch {
	case pos < n: // submitter
		if slot == 0 {
			return g.advance(gen, pos, Submitted)
		}
		return g.poll(g.job(gen, pos), slot)
	case pos < 2*n && gen > 0: // worker of the last generation's job
		k := pos - n
		switch {
		case slot < 3:
			return g.advance(gen-1, k, Started+int64(slot))
		case slot == 3 && k == 0:
			return g.setConfig(gen - 1)
		case slot == 4 && k == 0:
			// The admin's double click: the same save again. Its INSERT
			// hits the (tenant, version) primary key, so the batch must
			// fail whole and leave the config just saved active.
			return g.setConfig(gen - 1)
		case slot == 5 && k == 0:
			return g.getConfig(g.configTenant(gen - 1))
		}
		return g.poll(g.job(gen-1, k), slot)
	case pos >= peers-n && gen > 0: // last generation's submitter, still polling
		return g.poll(g.job(gen-1, pos-(peers-n)), slot)
	}
	if g.Rng.Float64() < g.Cfg.Keys.Hot {
		jg := max(gen-g.Rng.IntN(2), 0)
		return g.poll(g.job(jg, g.Rng.IntN(n)), g.Rng.IntN(3))
	}
	t := g.Rng.IntN(g.tenants())
	if gen > 0 && g.Rng.IntN(2) == 0 {
		t = g.configTenant(gen - 1)
	}
	return g.getConfig(t)
}

// solo is a client's own job and worker, for runs with too few peers to
// give the roles to different clients.
func (g *generator) solo(gen, slot int) workloads.Op {
	k := -1 - g.Cfg.Peer // never a place in the rotation
	switch slot {
	case 0:
		return g.advance(gen, k, Submitted)
	case 1:
		if g.Cfg.Peer == 0 {
			return g.setConfig(gen)
		}
		return g.getConfig(g.configTenant(gen))
	case 5:
		return g.poll(g.job(gen, k), gen)
	}
	return g.advance(gen, k, Started+int64(slot-2))
}

func (g *generator) tenants() int { return max(g.Cfg.Keys.Count, 1) }

func (g *generator) tenant(i int) string { return fmt.Sprintf("t-%s-%d", g.Cfg.Variant, i) }

// configTenant is the tenant whose config is saved in generation gen;
// setConfig gives it its next version.
func (g *generator) configTenant(gen int) int { return gen % g.tenants() }

func (g *generator) setConfig(gen int) workloads.Op {
	t := g.tenant(g.configTenant(gen))
	return workloads.Op{F: FSetConfig, Key: t, Value: Args{Tenant: t, Version: int64(gen/g.tenants()) + 1}}
}

func (g *generator) getConfig(i int) workloads.Op {
	t := g.tenant(i)
	return workloads.Op{F: FGetConfig, Key: t, Value: Args{Tenant: t}}
}

// job is job k of generation gen: its id and its tenant. A negative k is
// a solo client's own job.
func (g *generator) job(gen, k int) Args {
	name := fmt.Sprint(k)
	if k < 0 {
		name = fmt.Sprintf("s%d", -1-k)
	}
	return Args{
		Job:    fmt.Sprintf("j-%s-%s-g%d", g.Cfg.Variant, name, gen),
		Tenant: g.tenant((gen*7 + k + g.tenants()) % g.tenants()),
	}
}

func (g *generator) advance(gen, k int, version int64) workloads.Op {
	a := g.job(gen, k)
	a.Version = version
	return workloads.Op{F: FAdvance, Key: a.Job, Value: a}
}

// poll reads job the way the results page does, by the slot: the status,
// the results, or the tenant's job list.
func (g *generator) poll(job Args, slot int) workloads.Op {
	f := [...]string{FGetJob, FResults, FListJobs}[slot%3]
	return workloads.Op{F: f, Key: job.Job, Value: job}
}
