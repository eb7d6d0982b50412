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

// operations converts the partition for porcupine, with the events'
// positions in the history as its times. The recorder reads the clock
// under the writer's lock as it appends, so the file's order is the order
// things happened: an op whose completion is written before another's
// invoke returned before that one was sent, even when the clock shows the
// same instant for both (a coarse clock, a zero round trip on simulated
// time). Positions say so; equal times could not, and would leave such
// ops concurrent, hiding anomalies and widening porcupine's search (a
// partition of simultaneous ops is a permutation search). history/FORMAT.md
// states the rule for anyone writing histories.
func (p *partition) operations(withMetadata bool) []porcupine.Operation {
	out := make([]porcupine.Operation, len(p.ops))
	for i, o := range p.ops {
		call, ret := int64(o.Invoke), int64(o.Complete)
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
