package checker

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"testing"

	"github.com/d1check/d1check/history"
)

// The property test generates small random histories per model and checks
// the linearizability verdict against a brute-force search written here,
// independently of the checker and its porcupine models: try every order
// of the ops consistent with real time, each info op either applied (with
// any output) or left out, against a plain sequential specification.

type genOp struct {
	proc      int
	f         string
	in, out   map[string]any // invoke and ok values
	call, ret int64
	// callAt and retAt are the invoke's and the completion's positions in
	// the history toHistory writes: the order things happened, ties in
	// time included.
	callAt, retAt int
	info          bool
	val           int     // register: which value (0 is null) it wrote or read
	point         float64 // where the generator linearized it
	tookEffect    bool    // for info ops, in the generator's run
}

// bfState is the brute force's sequential state for one key of any model.
type bfState struct {
	ids          []int64
	issued, used bool
	value        string
	elems        []string // set: sorted
}

func (s bfState) clone() bfState {
	s.ids, s.elems = slices.Clone(s.ids), slices.Clone(s.elems)
	return s
}

// withElem is the set with e added.
func (s bfState) withElem(e string) []string {
	out := slices.Clone(s.elems)
	if !slices.Contains(out, e) {
		out = append(out, e)
		slices.Sort(out)
	}
	return out
}

// strs reads a set's elements from an output, sorted.
func strs(v any) []string {
	var out []string
	switch x := v.(type) {
	case []string:
		out = slices.Clone(x)
	case []any:
		for _, e := range x {
			out = append(out, e.(string))
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// apply runs op on s. For an op with a known output it reports whether the
// output is what the specification returns; an info op (known=false)
// always applies, with fresh standing in for the id an insert would get.
func (s bfState) apply(o *genOp, known bool, fresh int64) (bfState, bool) {
	n := s.clone()
	switch o.f {
	case "get_or_create_user":
		if len(n.ids) == 0 {
			id := fresh
			if known {
				id = toInt(o.out["id"])
			}
			n.ids = append(n.ids, id)
			return n, !known || o.out["created"] == true
		}
		return n, !known || (o.out["created"] == false && toInt(o.out["id"]) == n.ids[0])
	case "get_user":
		if len(n.ids) == 0 {
			return n, o.out["id"] == nil
		}
		return n, o.out["id"] != nil && toInt(o.out["id"]) == n.ids[0]
	case "list_users":
		var got []int64
		for _, v := range o.out["ids"].([]any) {
			got = append(got, toInt(v))
		}
		return n, slices.Equal(got, n.ids)
	case "issue_code":
		n.issued = true
		return n, true
	case "verify_code":
		ok := n.issued && !n.used
		if ok {
			n.used = true
		}
		return n, !known || o.out["valid"] == ok
	case "read_code":
		return n, o.out["issued"] == n.issued && o.out["used"] == n.used
	case "write":
		n.value = strconv.Itoa(o.val)
		return n, true
	case "read":
		return n, strconv.Itoa(o.val) == n.value
	case "add_element":
		n.elems = n.withElem(o.in["element"].(string))
		return n, true
	case "add_read":
		n.elems = n.withElem(o.in["element"].(string))
		return n, !known || slices.Equal(strs(o.out["elements"]), n.elems)
	case "read_set":
		return n, slices.Equal(strs(o.out["elements"]), n.elems)
	}
	panic(o.f)
}

func toInt(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case float64:
		return int64(x)
	}
	panic(fmt.Sprintf("%T", v))
}

// bruteForce reports whether ops are linearizable.
func bruteForce(ops []*genOp, init bfState) bool {
	done := make([]bool, len(ops))
	var search func(s bfState, left int) bool
	search = func(s bfState, left int) bool {
		if left == 0 {
			return true
		}
		for i, o := range ops {
			if done[i] {
				continue
			}
			// o can go next only if no pending completed op returned
			// before o was called: was written before o's invoke.
			blocked := false
			for j, p := range ops {
				if !done[j] && j != i && !p.info && p.retAt < o.callAt {
					blocked = true
					break
				}
			}
			if blocked {
				continue
			}
			done[i] = true
			if o.info {
				// Left out: it never took effect.
				if search(s, left-1) {
					done[i] = false
					return true
				}
				// Applied, with every id it could have inserted.
				for _, id := range []int64{1, 2, 3, 99} {
					if n, _ := s.apply(o, false, id); search(n, left-1) {
						done[i] = false
						return true
					}
				}
			} else if n, ok := s.apply(o, true, 0); ok && search(n, left-1) {
				done[i] = false
				return true
			}
			done[i] = false
		}
		return false
	}
	return search(init, len(ops))
}

type family struct {
	name string
	init bfState
	gen  func(r *rand.Rand) (f string, in map[string]any)
}

var families = []family{
	{"create-once", bfState{}, func(r *rand.Rand) (string, map[string]any) {
		return []string{"get_or_create_user", "get_or_create_user", "get_user", "list_users"}[r.IntN(4)], map[string]any{"email": "k"}
	}},
	{"single-use", bfState{}, func(r *rand.Rand) (string, map[string]any) {
		return []string{"issue_code", "verify_code", "verify_code", "read_code"}[r.IntN(4)], map[string]any{"email": "k", "code": "1"}
	}},
	{"register", bfState{value: "0"}, func(r *rand.Rand) (string, map[string]any) {
		if r.IntN(2) == 0 {
			return "write", map[string]any{"value": spell(r, 1+r.IntN(len(spellings)-1))}
		}
		return "read", map[string]any{}
	}},
	{"set", bfState{}, func(r *rand.Rand) (string, map[string]any) {
		e := []string{"a", "b", "c"}[r.IntN(3)]
		switch r.IntN(3) {
		case 0:
			return "add_element", map[string]any{"element": e}
		case 1:
			return "add_read", map[string]any{"element": e}
		}
		return "read_set", map[string]any{}
	}},
}

// spellings are register values, each in several spellings of one JSON
// value: the checker must read them as that value (escapes, key order,
// number spelling), and tell apart values a float64 would not (2^63-1,
// 2^63).
var spellings = [][]string{
	{`null`},
	{`1`, `1.0`, `1e0`, `10E-1`},
	{`"a&b"`, `"a\u0026b"`, `"\u0061&b"`},
	{`{"x":1,"y":"é"}`, `{"y":"\u00e9","x":1.00}`, `{ "y" : "é" , "x" : 1 }`},
	{`9223372036854775807`, `9223372036854775807.0`, `92233720368547758070e-1`},
	{`9223372036854775808`, `9.223372036854775808e18`},
	{`1e400`, `10e399`},
	{`"é"`},
	{`"e\u0301"`},
}

func spell(r *rand.Rand, v int) json.RawMessage {
	group := spellings[v]
	return json.RawMessage(group[r.IntN(len(group))])
}

// valueOfSpelling is the value a spelling in spellings spells.
func valueOfSpelling(raw json.RawMessage) int {
	for v, group := range spellings {
		if slices.Contains(group, string(raw)) {
			return v
		}
	}
	panic("not a spelling: " + string(raw))
}

// generate makes a history by running the ops in a random linearization
// inside their intervals, then, two times in three, corrupts one output
// (which may leave it legal): both verdicts are common, and failures are
// small.
func generate(r *rand.Rand, fam family) []*genOp {
	var ops []*genOp
	nproc, nops := 1+r.IntN(3), 1+r.IntN(8)
	clock := make([]int64, nproc)
	stopped := make([]bool, nproc)
	for range nops {
		p := r.IntN(nproc)
		if stopped[p] {
			continue
		}
		f, in := fam.gen(r)
		call := clock[p] + int64(r.IntN(3))
		o := &genOp{proc: p, f: f, in: in, call: call, ret: call + 1 + int64(r.IntN(3))}
		if f == "write" {
			o.val = valueOfSpelling(in["value"].(json.RawMessage))
		}
		o.point = float64(o.call) + r.Float64()*float64(o.ret-o.call)
		clock[p] = o.ret
		if r.IntN(7) == 0 && f != "list_users" && f != "read_code" {
			o.info, stopped[p] = true, true
			o.tookEffect = r.IntN(2) == 0
		}
		ops = append(ops, o)
	}
	order := slices.Clone(ops)
	sort.SliceStable(order, func(i, j int) bool { return order[i].point < order[j].point })
	s := fam.init
	nextID := int64(1)
	for _, o := range order {
		if o.info && !o.tookEffect {
			continue
		}
		o.out = fam.outputOf(r, s, o, &nextID)
		s, _ = s.apply(o, o.out != nil, nextID-1)
	}
	if r.IntN(3) != 0 {
		corrupt(r, ops)
	}
	return ops
}

// outputOf is what the specification returns for o in s.
func (fam family) outputOf(r *rand.Rand, s bfState, o *genOp, nextID *int64) map[string]any {
	if o.info {
		if o.f == "get_or_create_user" && len(s.ids) == 0 {
			*nextID++
		}
		return nil
	}
	switch o.f {
	case "get_or_create_user":
		if len(s.ids) == 0 {
			id := *nextID
			*nextID++
			return map[string]any{"id": id, "created": true}
		}
		return map[string]any{"id": s.ids[0], "created": false}
	case "get_user":
		if len(s.ids) == 0 {
			return map[string]any{"id": nil}
		}
		return map[string]any{"id": s.ids[0]}
	case "list_users":
		ids := []any{}
		for _, id := range s.ids {
			ids = append(ids, id)
		}
		return map[string]any{"ids": ids}
	case "issue_code", "write", "add_element":
		return map[string]any{}
	case "add_read":
		return map[string]any{"elements": s.withElem(o.in["element"].(string))}
	case "read_set":
		return map[string]any{"elements": append([]string{}, s.elems...)}
	case "verify_code":
		return map[string]any{"valid": s.issued && !s.used}
	case "read_code":
		return map[string]any{"issued": s.issued, "used": s.used}
	case "read":
		o.val, _ = strconv.Atoi(s.value)
		return map[string]any{"value": spell(r, o.val)}
	}
	panic(o.f)
}

func corrupt(r *rand.Rand, ops []*genOp) {
	o := ops[r.IntN(len(ops))]
	if o.info {
		return
	}
	switch o.f {
	case "get_or_create_user":
		o.out = map[string]any{"id": int64(1 + r.IntN(2)), "created": r.IntN(2) == 0}
	case "get_user":
		if r.IntN(2) == 0 {
			o.out = map[string]any{"id": nil}
		} else {
			o.out = map[string]any{"id": int64(1 + r.IntN(2))}
		}
	case "list_users":
		o.out = map[string]any{"ids": []any{int64(1), int64(2)}[:r.IntN(3)]}
	case "verify_code":
		o.out = map[string]any{"valid": r.IntN(2) == 0}
	case "read_code":
		o.out = map[string]any{"issued": r.IntN(2) == 0, "used": r.IntN(2) == 0}
	case "read":
		o.val = r.IntN(len(spellings))
		o.out = map[string]any{"value": spell(r, o.val)}
	case "read_set", "add_read":
		es := []string{}
		for _, e := range []string{"a", "b", "c"} {
			if r.IntN(2) == 0 {
				es = append(es, e)
			}
		}
		o.out = map[string]any{"elements": es}
	}
}

// toHistory writes ops as events in time order (a completion before an
// invoke at the same instant, so a process's next invoke follows its
// completion), then round-trips the values through JSON as a file would.
// toHistory writes ops as a history, events in time order; events at the
// same instant in a random order, since which was written first decides
// whether an op returned before another was invoked.
func toHistory(t *testing.T, r *rand.Rand, ops []*genOp) *history.History {
	type ev struct {
		e    history.Event
		op   *genOp
		call bool
	}
	var evs []ev
	raw := func(v map[string]any) json.RawMessage {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, o := range ops {
		base := history.Event{Process: o.proc, Session: fmt.Sprintf("s%d", o.proc), Variant: "v", F: o.f, Key: "k"}
		inv := base
		inv.Type, inv.Value, inv.Time = history.Invoke, raw(o.in), o.call
		done := base
		done.Type, done.Time = history.OK, o.ret
		if o.info {
			done.Type = history.Info
		} else {
			done.Value = raw(o.out)
		}
		evs = append(evs, ev{inv, o, true}, ev{done, o, false})
	}
	// In time order, and at one instant each process's completion before
	// its next invoke (its ops are sequential); the processes' events at
	// one instant interleave at random.
	sort.SliceStable(evs, func(i, j int) bool {
		if evs[i].e.Time != evs[j].e.Time {
			return evs[i].e.Time < evs[j].e.Time
		}
		return evs[i].e.Process < evs[j].e.Process || evs[i].e.Process == evs[j].e.Process && !evs[i].call && evs[j].call
	})
	for lo := 0; lo < len(evs); {
		hi := lo
		for hi < len(evs) && evs[hi].e.Time == evs[lo].e.Time {
			hi++
		}
		queues := map[int][]ev{}
		var procs []int
		for _, x := range evs[lo:hi] {
			if queues[x.e.Process] == nil {
				procs = append(procs, x.e.Process)
			}
			queues[x.e.Process] = append(queues[x.e.Process], x)
		}
		for i := lo; i < hi; i++ {
			k := r.IntN(len(procs))
			q := queues[procs[k]]
			evs[i], queues[procs[k]] = q[0], q[1:]
			if len(q) == 1 {
				procs = append(procs[:k], procs[k+1:]...)
			}
		}
		lo = hi
	}
	h := &history.History{}
	for i, x := range evs {
		x.e.Index = i
		if x.call {
			x.op.callAt = i
		} else {
			x.op.retAt = i
		}
		h.Events = append(h.Events, x.e)
	}
	// JSON numbers come back as float64, as they would from a file.
	for _, o := range ops {
		for _, m := range []map[string]any{o.in, o.out} {
			if m != nil {
				b, _ := json.Marshal(m)
				clear(m)
				json.Unmarshal(b, &m)
			}
		}
	}
	return h
}

func TestLinearizabilityAgreesWithBruteForce(t *testing.T) {
	const perModel = 5000
	for _, fam := range families {
		t.Run(fam.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(1, uint64(len(fam.name))))
			counts := map[Verdict]int{}
			for i := range perModel {
				ops := generate(r, fam)
				h := toHistory(t, r, ops)
				res, err := Check(h, Options{})
				if err != nil {
					t.Fatalf("history %d: %v", i, err)
				}
				got := res.Checks[0].Verdict
				want := Invalid
				if bruteForce(ops, fam.init) {
					want = Valid
				}
				counts[want]++
				if got != want {
					t.Fatalf("history %d: checker says %s, brute force says %s:\n%s", i, got, want, dump(h))
				}
			}
			t.Logf("%d histories: %d valid, %d invalid", perModel, counts[Valid], counts[Invalid])
			if counts[Valid] < perModel/10 || counts[Invalid] < perModel/10 {
				t.Errorf("unbalanced generator: %v", counts)
			}
		})
	}
}

func dump(h *history.History) string {
	var s string
	for _, e := range h.Events {
		s += fmt.Sprintf("  %d %s p%d %s %s t=%d\n", e.Index, e.Type, e.Process, e.F, e.Value, e.Time)
	}
	return s
}
