package webapp

import (
	"fmt"
	"github.com/d1check/d1check/httpspec"
	"github.com/d1check/d1check/opspec"

	"github.com/d1check/d1check/workloads"
	"github.com/d1check/d1check/workloads/magiccodes"
	"github.com/d1check/d1check/workloads/users"
)

// Variant is the one variant of an HTTP workload: the app is what it is.
const Variant = httpspec.Variant

// History ops (the checker's names) each role records.
const (
	fGetOrCreate = users.FGetOrCreate
	fGet         = users.FGetUser
	fIssue       = magiccodes.FIssue
	fVerify      = magiccodes.FVerify
	fWrite       = opspec.FWrite
	fRead        = opspec.FRead
	fAdd         = opspec.FAddElement
	fReadSet     = opspec.FReadSet
	fAddRead     = opspec.FAddRead
)

// roleOf maps a history op back to the role that produced it.
var roleOf = map[string]string{
	fGetOrCreate: CreateOnce + "/get-or-create", fGet: CreateOnce + "/get",
	fIssue: SingleUse + "/issue", fVerify: SingleUse + "/use",
	fWrite: Register + "/write", fRead: Register + "/read",
	fAdd: Set + "/add", fReadSet: Set + "/read", fAddRead: Set + "/add-read",
}

// generator picks a model by the weights of its ops, then lets that
// model's generator pick the role and the key, as the Go workloads do.
type generator struct {
	workloads.Stream
	models  []string
	weights []int
	total   int
	sub     map[string]workloads.Generator
	roles   map[string]bool // "model/does" the scenario declares
}

func (w *Workload) newGenerator(cfg workloads.GenConfig) *generator {
	g := &generator{Stream: workloads.NewStream(cfg), sub: map[string]workloads.Generator{}, roles: map[string]bool{}}
	cfg.Variant = Variant
	for _, o := range w.spec.Ops {
		g.roles[o.Model+"/"+o.Does] = true
		i := indexOf(g.models, o.Model)
		if i < 0 {
			g.models = append(g.models, o.Model)
			g.weights = append(g.weights, 0)
			i = len(g.models) - 1
		}
		g.weights[i] += o.Weight
		g.total += o.Weight
		if g.sub[o.Model] != nil {
			continue
		}
		switch o.Model {
		case CreateOnce:
			g.sub[o.Model] = users.Workload{}.Generator(cfg)
		case SingleUse:
			g.sub[o.Model] = magiccodes.Workload{}.Generator(cfg)
		case Register:
			g.sub[o.Model] = &registerGen{Stream: workloads.NewStream(cfg)}
		case Set:
			g.sub[o.Model] = &setGen{Stream: workloads.NewStream(cfg), roles: g.roles}
		}
	}
	return g
}

func indexOf(xs []string, x string) int {
	for i, y := range xs {
		if y == x {
			return i
		}
	}
	return -1
}

func (g *generator) Next() workloads.Op {
	g.Step()
	m := g.models[0]
	if len(g.models) > 1 && g.total > 0 {
		r := g.Rng.IntN(g.total)
		for i, wt := range g.weights {
			if r < wt {
				m = g.models[i]
				break
			}
			r -= wt
		}
	}
	op := g.sub[m].Next()
	// A read role the scenario does not declare becomes its model's write
	// role: the create-once generator's get_user is a get-or-create then.
	if op.F == fGet && !g.roles[CreateOnce+"/get"] {
		op.F = fGetOrCreate
	}
	return op
}

// registerGen drives a register per browser session: each client writes
// keys of its own (a login writing its session row) and reads them back on
// later requests, sometimes writing a new value. Keys are never shared
// between clients: only the session that wrote a value is promised to see
// it, and the gate asks exactly that.
type registerGen struct {
	workloads.Stream
	key    string
	writes int
	reads  int
}

// WriteArgs is a register write's invoke value.
type WriteArgs struct {
	Value string `json:"value"`
}

func (g *registerGen) Next() workloads.Op {
	n := g.Step()
	if g.key == "" || g.reads >= 3 || g.Rng.Float64() < 0.15 {
		if g.key == "" || g.Rng.Float64() < 0.5 {
			g.key = fmt.Sprintf("c%d-k%d", g.Cfg.Client, n)
		}
		g.writes++
		g.reads = 0
		return workloads.Op{F: fWrite, Key: g.key, Value: WriteArgs{Value: fmt.Sprintf("c%d-v%d", g.Cfg.Client, n)}}
	}
	g.reads++
	return workloads.Op{F: fRead, Key: g.key, Value: struct{}{}}
}

// setGen drives a grow-only set per browser session, like a user's orders:
// each client adds elements to lists of its own and reads them back. With
// only an add-read route every op adds and reads; with no read route the
// reads are add-reads; with no plain add the adds are add-reads.
type setGen struct {
	workloads.Stream
	roles map[string]bool
	key   string
}

// ElementArgs is a set add's invoke value.
type ElementArgs struct {
	Element string `json:"element"`
}

func (g *setGen) Next() workloads.Op {
	n := g.Step()
	if g.key == "" || g.Rng.Float64() < 0.1 {
		g.key = fmt.Sprintf("c%d-l%d", g.Cfg.Client, n)
	}
	add, read := g.roles[Set+"/add"], g.roles[Set+"/read"]
	both := g.roles[Set+"/add-read"]
	wantAdd := g.Rng.Float64() < 0.5
	switch {
	case wantAdd && add && !(both && g.Rng.Float64() < 0.5):
		return workloads.Op{F: fAdd, Key: g.key, Value: ElementArgs{Element: fmt.Sprintf("c%d-e%d", g.Cfg.Client, n)}}
	case !wantAdd && read:
		return workloads.Op{F: fReadSet, Key: g.key, Value: struct{}{}}
	case both:
		return workloads.Op{F: fAddRead, Key: g.key, Value: ElementArgs{Element: fmt.Sprintf("c%d-e%d", g.Cfg.Client, n)}}
	case add:
		return workloads.Op{F: fAdd, Key: g.key, Value: ElementArgs{Element: fmt.Sprintf("c%d-e%d", g.Cfg.Client, n)}}
	}
	return workloads.Op{F: fReadSet, Key: g.key, Value: struct{}{}}
}
