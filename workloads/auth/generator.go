package auth

import (
	"fmt"

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
	return &generator{Stream: workloads.NewStream(cfg)}
}

type generator struct {
	workloads.Stream
	// the cold cycle: its session, user, code, and the ops left in it
	cycle []workloads.Op
}

func (g *generator) Next() workloads.Op {
	seq := g.Step()
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
		if slot >= 3 && g.Rng.Float64() < g.Cfg.Keys.Hot {
			a := g.hot(gen, g.Rng.IntN(n))
			return g.op(FRefresh, a.Session, Args{Session: a.Session, Token: g.token(seq)})
		}
	}
	return g.cold(seq)
}

// hotSessions is how many hot sessions each generation has.
func (g *generator) hotSessions() int {
	if g.Cfg.Keys.Hot == 0 || g.Cfg.Peers < 1 {
		return 0
	}
	return min(g.Cfg.Keys.HotKeys, g.Cfg.Peers)
}

// ownerOf reports which hot session of generation gen this client owns:
// session k's owner is peer (gen*n + k) mod Peers.
func (g *generator) ownerOf(gen, n int) (int, bool) {
	p := g.Cfg.Peers
	k := ((g.Cfg.Peer-gen*n)%p + p) % p
	return k, k < n
}

func (g *generator) hot(gen, k int) Args {
	v := g.Cfg.Variant
	return Args{
		Session: fmt.Sprintf("s-%s-hot%d-g%d", v, k, gen),
		Email:   workloads.Email(fmt.Sprintf("hot%d", k), v),
		Code:    fmt.Sprintf("H%dG%d", k, gen),
	}
}

// token is a refresh token no other op uses.
func (g *generator) token(seq int) string { return fmt.Sprintf("rt-c%d-n%d", g.Cfg.Client, seq) }

func (g *generator) op(f, key string, a Args) workloads.Op {
	return workloads.Op{F: f, Key: key, Value: a}
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
	v := g.Cfg.Variant
	sid := fmt.Sprintf("s-%s-c%d-n%d", v, g.Cfg.Client, seq)
	a := Args{Session: sid, Email: workloads.Email(fmt.Sprintf("user%d", g.Rng.IntN(g.Cfg.Keys.Count)), v), Code: fmt.Sprintf("C%dN%d", g.Cfg.Client, seq)}
	s := Args{Session: sid}
	ops := []workloads.Op{g.op(FIssue, a.Email+"/"+a.Code, a), g.op(FLogin, sid, a)}
	for range 1 + g.Rng.IntN(3) {
		ops = append(ops, g.op(FHook, sid, s))
	}
	ops = append(ops, g.op(FRefresh, sid, s), g.op(FHook, sid, s))
	return append(ops, g.op(FLogout, sid, s), g.op(FHook, sid, s))
}
