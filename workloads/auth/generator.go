package auth

import (
	"fmt"
	"math/rand/v2"

	"github.com/d1check/d1check/workloads"
)

// hotPeriod is how many ops of each client one generation of hot sessions
// lasts: slot 0 issues the code, slot 1 logs in, slot 2 is the owner's
// next request, and slots 3 to 5 are refreshes by other tabs.
const hotPeriod = 6

// Generator implements workloads.Workload.
//
// Hot sessions make the refresh race: in every generation each of
// min(HotKeys, Peers) fresh sessions is logged into by one client of the
// variant (the owner, rotating), whose next request runs the hook; then
// the clients that draw a hot op (other tabs of the same user: they share
// the session cookie, not the bookmark) refresh its token together.
//
// Other ops are a client's own login cycle on a cold user: issue a code,
// log in, a few hook requests, a refresh, more requests, logout, and one
// more request that must find the session gone. The request right after
// the login and the one right after the logout are where a request
// served by a lagging replica sees the wrong answer.
func (Workload) Generator(cfg workloads.GenConfig) workloads.Generator {
	return &generator{cfg: cfg, rng: workloads.NewRand(cfg.Seed, cfg.Client)}
}

type generator struct {
	cfg workloads.GenConfig
	rng *rand.Rand
	seq int
	// the cold cycle: its session, user, code, and the ops left in it
	cycle []workloads.Op
}

func (g *generator) Next() workloads.Op {
	seq := g.seq
	g.seq++
	gen, slot := workloads.Generation(seq, hotPeriod)
	if n := g.hotSessions(); n > 0 {
		if k, owner := g.ownerOf(gen, n); owner && slot < 3 {
			a := g.hot(gen, k)
			switch slot {
			case 0:
				return g.op(FIssue, a.Email+"/"+a.Code, a)
			case 1:
				return g.op(FLogin, a.Session, a)
			default:
				return g.op(FHook, a.Session, Args{Session: a.Session})
			}
		}
		if slot >= 3 && g.rng.Float64() < g.cfg.Keys.Hot {
			a := g.hot(gen, g.rng.IntN(n))
			return g.op(FRefresh, a.Session, Args{Session: a.Session, Token: g.token(seq)})
		}
	}
	return g.cold(seq)
}

// hotSessions is how many hot sessions each generation has.
func (g *generator) hotSessions() int {
	if g.cfg.Keys.Hot == 0 || g.cfg.Peers < 1 {
		return 0
	}
	return min(g.cfg.Keys.HotKeys, g.cfg.Peers)
}

// ownerOf reports which hot session of generation gen this client owns:
// session k's owner is peer (gen*n + k) mod Peers.
func (g *generator) ownerOf(gen, n int) (int, bool) {
	p := g.cfg.Peers
	k := ((g.cfg.Peer-gen*n)%p + p) % p
	return k, k < n
}

func (g *generator) hot(gen, k int) Args {
	v := g.cfg.Variant
	return Args{
		Session: fmt.Sprintf("s-%s-hot%d-g%d", v, k, gen),
		Email:   workloads.Email(fmt.Sprintf("hot%d", k), v),
		Code:    fmt.Sprintf("H%dG%d", k, gen),
	}
}

// token is a refresh token no other op uses.
func (g *generator) token(seq int) string { return fmt.Sprintf("rt-c%d-n%d", g.cfg.Client, seq) }

func (g *generator) op(f, key string, a Args) workloads.Op {
	return workloads.Op{F: f, Key: key, Value: a, ReadOnly: f == FHook}
}

// cold returns the next op of the client's own login cycle, starting a
// new cycle when the last one is done.
func (g *generator) cold(seq int) workloads.Op {
	if len(g.cycle) == 0 {
		g.cycle = g.newCycle(seq)
	}
	op := g.cycle[0]
	g.cycle = g.cycle[1:]
	if op.F == FRefresh {
		a := op.Value.(Args)
		a.Token = g.token(seq)
		op.Value = a
	}
	return op
}

func (g *generator) newCycle(seq int) []workloads.Op {
	v := g.cfg.Variant
	sid := fmt.Sprintf("s-%s-c%d-n%d", v, g.cfg.Client, seq)
	a := Args{Session: sid, Email: workloads.Email(fmt.Sprintf("user%d", g.rng.IntN(g.cfg.Keys.Count)), v), Code: fmt.Sprintf("C%dN%d", g.cfg.Client, seq)}
	s := Args{Session: sid}
	ops := []workloads.Op{g.op(FIssue, a.Email+"/"+a.Code, a), g.op(FLogin, sid, a)}
	for range 1 + g.rng.IntN(3) {
		ops = append(ops, g.op(FHook, sid, s))
	}
	ops = append(ops, g.op(FRefresh, sid, s), g.op(FHook, sid, s))
	return append(ops, g.op(FLogout, sid, s), g.op(FHook, sid, s))
}
