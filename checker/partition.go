package checker

import (
	"math"

	"github.com/anishathalye/porcupine"
	"github.com/d1check/d1check/checker/model"
	"github.com/d1check/d1check/history"
)

// partition is the ops of one (model, variant, key): linearizability is
// compositional, so each is checked on its own.
//
// Which ops go in:
//   - ok ops, with their outputs;
//   - info writes, returning at infinity: they may have taken effect at any
//     time after their invoke, or never (the model's nondeterministic step);
//   - not fail ops: they certainly did not take effect and return nothing,
//     so as operations they would be no-ops legal in every state, which can
//     never change the verdict and only widen the search;
//   - not info reads, for the same reason: no effect and no output.
type partition struct {
	kind    model.Kind
	variant string
	key     string
	ops     []*Op
	// nondeterministic is true when an info write is among the ops.
	nondeterministic bool
}

type partitionKey struct {
	kind         model.Kind
	variant, key string
}

// partitionOps groups the checkable ops, in order of each partition's
// first op, so that results are deterministic.
func partitionOps(ops []*Op) []*partition {
	at := make(map[partitionKey]int)
	var parts []*partition
	for _, o := range ops {
		if o.Type == history.Fail || (o.Type == history.Info && o.In.Action.ReadOnly()) {
			continue
		}
		k := partitionKey{o.Model(), o.Variant, o.Key}
		n, ok := at[k]
		if !ok {
			n = len(parts)
			at[k] = n
			parts = append(parts, &partition{kind: k.kind, variant: k.variant, key: k.key})
		}
		p := parts[n]
		p.ops = append(p.ops, o)
		if o.Type == history.Info {
			p.nondeterministic = true
		}
	}
	return parts
}

// infinity is the return time of an op whose outcome is unknown: it may
// be linearized at any point after its invoke.
const infinity = math.MaxInt64

// operations converts the partition for porcupine. The interval [Call,
// Return] is closed in porcupine (its checker sorts a call before a return
// at the same instant), so two ops whose intervals touch are concurrent,
// as two processes' ops must be: neither certainly came first. One
// process's ops are different: its next op starts after its previous one
// returned even when the clock shows the same instant. When the partition
// has such a pair, times are spread over four slots per instant t: calls
// at 4t, the returns of ops followed at t by their own process's next op
// at 4t+1, those next calls at 4t+2, other returns at 4t+3. Every other
// pair keeps its order and its ties (a call and a return at one instant
// stay concurrent).
//
// Intervals cannot say everything at once: two processes whose pairs
// touch at one instant would each need the other's return after their
// call. Then only the lowest process's pair is ordered, and the others'
// stay concurrent, which can hide an anomaly but never invents one.
func (p *partition) operations(withMetadata bool) []porcupine.Operation {
	follows := p.processSuccessors()
	var followed map[*Op]bool
	if follows != nil {
		followed = map[*Op]bool{}
		for _, prev := range follows {
			if prev != nil {
				followed[prev] = true
			}
		}
	}
	out := make([]porcupine.Operation, len(p.ops))
	for i, o := range p.ops {
		call, ret := o.Call, o.Return
		if follows != nil {
			call, ret = 4*call, 4*ret+3
			if follows[i] != nil {
				call += 2
			}
			if followed[o] {
				ret -= 2
			}
			ret = max(ret, call)
		}
		if o.Type == history.Info {
			ret = infinity
		}
		out[i] = porcupine.Operation{ClientId: o.Process, Input: o.In, Call: call, Output: &o.Out, Return: ret}
		if withMetadata {
			out[i].Metadata = o.ref()
		}
	}
	return out
}

// processSuccessors returns, for each op invoked at the instant its
// process's previous op in the partition returned, that previous op; nil
// when there is none. At an instant where several processes have such a
// pair, only the lowest process's counts (see operations).
func (p *partition) processSuccessors() []*Op {
	var follows []*Op
	last := map[int]*Op{}
	owner := map[int64]int{}  // instant -> the process whose pairs count
	for i, o := range p.ops { // in invoke order
		if prev, ok := last[o.Process]; ok && prev.Type != history.Info && prev.Return == o.Call {
			if follows == nil {
				follows = make([]*Op, len(p.ops))
			}
			follows[i] = prev
			if w, ok := owner[o.Call]; !ok || o.Process < w {
				owner[o.Call] = o.Process
			}
		}
		last[o.Process] = o
	}
	for i, prev := range follows {
		if prev != nil && owner[prev.Return] != prev.Process {
			follows[i] = nil
		}
	}
	return follows
}

// models holds the porcupine models of every kind, built once: they are
// pure functions, safe to share between goroutines.
type models struct {
	det, nondet map[model.Kind]porcupine.Model
}

func newModels() models {
	m := models{det: map[model.Kind]porcupine.Model{}, nondet: map[model.Kind]porcupine.Model{}}
	for _, k := range model.Kinds {
		s := model.For(k)
		m.det[k] = s.Model()
		nd := s.Nondeterministic()
		m.nondet[k] = nd.ToModel()
	}
	return m
}

func (m models) of(p *partition) porcupine.Model {
	if p.nondeterministic {
		return m.nondet[p.kind]
	}
	return m.det[p.kind]
}
