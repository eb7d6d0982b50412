package magiccodes

import (
	"fmt"

	"github.com/d1check/d1check/workloads"
)

// hotPeriod is how many ops of each client one generation of hot codes
// lasts: slot 0 issues them, slots 1 and 2 submit them.
const hotPeriod = 3

// maxPending bounds the codes a client has issued and not yet verified.
const maxPending = 4

// Generator implements workloads.Workload.
//
// Hot codes make the races of the guide's verifyMagicCode: in every
// generation each of min(HotKeys, Peers) fresh codes is issued by one
// client of the variant (its first op of the generation), and the clients
// that draw a hot op in the generation's next ops submit one of them, so a
// code is verified right after its issue from other regions, often by two
// or three clients at once (a double submit). A hot op on slot 0 resubmits
// a code of the previous generation, which must be rejected by then.
//
// Other ops are a client's own cold codes: issue, then verify it within a
// few ops, sometimes twice.
func (Workload) Generator(cfg workloads.GenConfig) workloads.Generator {
	return &generator{Stream: workloads.NewStream(cfg)}
}

type generator struct {
	workloads.Stream
	pending []Args
}

func (g *generator) Next() workloads.Op {
	seq := g.Step()
	gen, slot := workloads.Generation(seq, hotPeriod)
	if n := g.hotCodes(); n > 0 {
		if slot == 0 {
			if k, ok := g.issuerOf(gen, n); ok {
				return op(FIssue, g.hotCode(gen, k))
			}
		}
		if g.Rng.Float64() < g.Cfg.Keys.Hot {
			k := g.Rng.IntN(n)
			switch {
			case slot > 0:
				return op(FVerify, g.hotCode(gen, k))
			case gen > 0:
				return op(FVerify, g.hotCode(gen-1, k))
			}
		}
	}
	return g.cold(seq)
}

// hotCodes is how many hot codes each generation has: one issuer each.
func (g *generator) hotCodes() int {
	if g.Cfg.Keys.Hot == 0 || g.Cfg.Peers < 1 {
		return 0
	}
	return min(g.Cfg.Keys.HotKeys, g.Cfg.Peers)
}

// issuerOf reports which hot code of generation gen this client issues:
// code k's issuer is peer (gen*n + k) mod Peers, rotating the role.
func (g *generator) issuerOf(gen, n int) (int, bool) {
	p := g.Cfg.Peers
	k := ((g.Cfg.Peer-gen*n)%p + p) % p
	return k, k < n
}

func (g *generator) hotCode(gen, k int) Args {
	return Args{Email: workloads.Email(fmt.Sprintf("hot%d", k), g.Cfg.Variant), Code: fmt.Sprintf("H%dG%d", k, gen)}
}

func (g *generator) cold(seq int) workloads.Op {
	if len(g.pending) > 0 && (len(g.pending) >= maxPending || g.Rng.Float64() < 0.5) {
		a := g.pending[0]
		if g.Rng.Float64() >= 0.25 { // else keep it: a later resubmit
			g.pending = g.pending[1:]
		}
		return op(FVerify, a)
	}
	a := Args{
		Email: workloads.Email(fmt.Sprintf("user%d", g.Rng.IntN(g.Cfg.Keys.Count)), g.Cfg.Variant),
		Code:  fmt.Sprintf("C%dN%d", g.Cfg.Client, seq),
	}
	g.pending = append(g.pending, a)
	return op(FIssue, a)
}

func op(f string, a Args) workloads.Op {
	return workloads.Op{F: f, Key: a.Key(), Value: a}
}
