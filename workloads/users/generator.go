package users

import (
	"fmt"

	"github.com/d1check/d1check/workloads"
)

// hotPeriod is how many ops of each client one generation of hot emails
// lasts. Short, so that the clients meeting on a hot email are there for
// its first create, not after it.
const hotPeriod = 2

// Generator implements workloads.Workload.
//
// A share Keys.Hot of a client's ops go to one of Keys.HotKeys hot emails
// of the current generation, mostly get_or_create_user: every client of
// the variant that draws a hot op in that generation tries to create the
// same new user at about the same moment. The rest spread over Keys.Count
// long-lived emails, with get_user reads that can meet a lagging replica.
func (Workload) Generator(cfg workloads.GenConfig) workloads.Generator {
	return &generator{Stream: workloads.NewStream(cfg)}
}

type generator struct {
	workloads.Stream
}

func (g *generator) Next() workloads.Op {
	seq := g.Step()
	k := g.Cfg.Keys
	var email string
	create := 0.6
	if k.HotKeys > 0 && g.Rng.Float64() < k.Hot {
		gen, _ := workloads.Generation(seq, hotPeriod)
		email = workloads.Email(fmt.Sprintf("hot%d-g%d", g.Rng.IntN(k.HotKeys), gen), g.Cfg.Variant)
		create = 0.8
	} else {
		email = workloads.Email(fmt.Sprintf("user%d", g.Rng.IntN(k.Count)), g.Cfg.Variant)
	}
	if g.Rng.Float64() < create {
		return workloads.Op{F: FGetOrCreate, Key: email, Value: Args{Email: email}}
	}
	return workloads.Op{F: FGetUser, Key: email, Value: Args{Email: email}}
}
