// Package benchgen generates the linearizable histories the checker's
// benchmarks and scripts/bench-check.sh measure on. It is internal: no
// shipped command imports it.
package benchgen

import (
	"container/heap"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sort"
	"strconv"

	"github.com/anishathalye/porcupine"
	"github.com/d1check/d1check/checker/model"
	"github.com/d1check/d1check/d1"
	"github.com/d1check/d1check/history"
)

// History generates a linearizable history of about n events over
// nkeys keys (users, codes and registers) from procs processes: each op
// takes effect atomically at its invoke on one in-memory store, so every
// check must pass and porcupine's search stays realistic (up to procs ops
// in flight, spread over the keys). Every completion carries a one-statement
// trace with the session's bookmark chain; after the traffic, one final
// read per user and code key.
func History(n, nkeys, procs int) *history.History {
	r := rand.New(rand.NewPCG(7, 7))
	nUsers, nCodes := nkeys*4/10, nkeys*3/10
	users := make([]int64, nUsers)
	codes := make([]model.Code, nCodes)
	regs := make([]string, nkeys-nUsers-nCodes)
	for i := range regs {
		regs[i] = model.Unset
	}
	var pos uint64 = 1
	bookmarks := map[uint64]string{}
	bm := func(p uint64) string {
		s, ok := bookmarks[p]
		if !ok {
			s = d1.NewBookmark(p)
			bookmarks[p] = s
		}
		return s
	}
	clock := make(procHeap, procs)
	for p := range clock {
		clock[p] = procClock{p: p, t: int64(r.IntN(1000))}
	}
	heap.Init(&clock)
	sessionMark := make([]string, procs)
	evs := make([]history.Event, 0, n)
	nextID, nextVal := int64(1), 1
	final := nUsers + nCodes
	for len(evs) < n-2*final {
		pc := heap.Pop(&clock).(procClock)
		p, call := pc.p, pc.t
		ret := call + 1000 + int64(r.IntN(20000))
		sess := fmt.Sprintf("s%d-%d", p, pc.ops/8)
		if pc.ops%8 == 0 {
			sessionMark[p] = d1.FirstUnconstrained
		}
		var f, key string
		var in, out []byte
		write := false
		switch k := r.IntN(nkeys); {
		case k < nUsers:
			key = "u" + strconv.Itoa(k) + "@x.test"
			in = []byte(`{"email":"` + key + `"}`)
			if r.IntN(2) == 0 {
				f = "get_or_create_user"
				created := users[k] == 0
				if created {
					users[k], nextID, write = nextID, nextID+1, true
				}
				out = fmt.Appendf(nil, `{"id":%d,"created":%t}`, users[k], created)
			} else {
				f = "get_user"
				if users[k] == 0 {
					out = []byte(`{"id":null}`)
				} else {
					out = fmt.Appendf(nil, `{"id":%d}`, users[k])
				}
			}
		case k < nUsers+nCodes:
			c := &codes[k-nUsers]
			key = "c" + strconv.Itoa(k) + "@x.test/123456"
			in = []byte(`{"email":"c@x.test","code":"123456"}`)
			if !c.Issued || r.IntN(3) == 0 {
				f, out, write = "issue_code", []byte(`{}`), true
				c.Issued = true
			} else {
				f = "verify_code"
				valid := c.Issued && !c.Used
				c.Used, write = c.Used || valid, valid
				out = fmt.Appendf(nil, `{"valid":%t}`, valid)
			}
		default:
			i := k - nUsers - nCodes
			key = "r" + strconv.Itoa(i)
			if r.IntN(2) == 0 {
				f, write = "write", true
				regs[i] = strconv.Itoa(nextVal)
				nextVal++
				in, out = []byte(`{"value":`+regs[i]+`}`), []byte(`{}`)
			} else {
				f, in, out = "read", []byte(`{}`), []byte(`{"value":`+regs[i]+`}`)
			}
		}
		if write {
			pos++
		}
		trace := []history.Statement{{SQL: "SELECT", BookmarkIn: sessionMark[p], BookmarkOut: bm(pos), ServedByPrimary: write, ServedByRegion: "WEUR"}}
		sessionMark[p] = bm(pos)
		base := history.Event{Process: p, Session: sess, Variant: "unconstrained", F: f, Key: key}
		inv, done := base, base
		inv.Type, inv.Value, inv.Time = history.Invoke, in, call
		done.Type, done.Value, done.Time, done.Trace = history.OK, out, ret, trace
		evs = append(evs, inv, done)
		heap.Push(&clock, procClock{p: p, t: ret + int64(r.IntN(2000)), ops: pc.ops + 1})
	}
	var end int64
	for _, e := range evs {
		end = max(end, e.Time)
	}
	// Time order; at one instant a completion before an invoke, so a
	// process's next invoke follows its completion.
	sort.SliceStable(evs, func(i, j int) bool {
		if evs[i].Time != evs[j].Time {
			return evs[i].Time < evs[j].Time
		}
		return evs[i].Type != history.Invoke && evs[j].Type == history.Invoke
	})
	h := &history.History{Events: evs}
	t := end + 1000
	for k := range nUsers + nCodes {
		var e history.Event
		if k < nUsers {
			e = history.Event{Process: 1000, Variant: "unconstrained", F: "list_users", Key: "u" + strconv.Itoa(k) + "@x.test"}
			if users[k] == 0 {
				e.Value = []byte(`{"ids":[]}`)
			} else {
				e.Value = fmt.Appendf(nil, `{"ids":[%d]}`, users[k])
			}
		} else {
			c := codes[k-nUsers]
			e = history.Event{Process: 1000, Variant: "unconstrained", F: "read_code", Key: "c" + strconv.Itoa(k) + "@x.test/123456"}
			e.Value = fmt.Appendf(nil, `{"issued":%t,"used":%t}`, c.Issued, c.Used)
		}
		inv := e
		inv.Type, inv.Time, inv.Value = history.Invoke, t, json.RawMessage(`{}`)
		e.Type, e.Time = history.OK, t+500
		h.Events = append(h.Events, inv, e)
		t += 1000
	}
	for i := range h.Events {
		h.Events[i].Index = i
	}
	return h
}

type procClock struct {
	p   int
	t   int64
	ops int
}

type procHeap []procClock

func (h procHeap) Len() int           { return len(h) }
func (h procHeap) Less(i, j int) bool { return h[i].t < h[j].t }
func (h procHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *procHeap) Push(x any)        { *h = append(*h, x.(procClock)) }
func (h *procHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// PartitionByMetadata is a porcupine Partition function grouping
// operations by their Metadata, the key the benchmarks put there.
func PartitionByMetadata(ops []porcupine.Operation) [][]porcupine.Operation {
	at := map[any]int{}
	var out [][]porcupine.Operation
	for _, o := range ops {
		i, ok := at[o.Metadata]
		if !ok {
			i = len(out)
			at[o.Metadata] = i
			out = append(out, nil)
		}
		out[i] = append(out[i], o)
	}
	return out
}
