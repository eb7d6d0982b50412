// Command benchtool is scripts/bench-check.sh's helper, never shipped:
//
//	benchtool gen N KEYS FILE   writes a linearizable N-event history
//	benchtool porcupine FILE    checks FILE with porcupine alone
//
// "Porcupine alone" is the plainest way to check the file: every line
// decoded with encoding/json, invokes paired with completions into
// porcupine.Operation, and one porcupine.CheckOperations call with a model
// partitioned by key. It is the yardstick `d1check check` is measured
// against, so it does nothing the checker's models do not need.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strconv"

	"github.com/anishathalye/porcupine"
	"github.com/d1check/d1check/checker/internal/benchgen"
	"github.com/d1check/d1check/checker/model"
	"github.com/d1check/d1check/history"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "benchtool:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	switch {
	case len(args) == 4 && args[0] == "gen":
		n, err1 := strconv.Atoi(args[1])
		keys, err2 := strconv.Atoi(args[2])
		if err1 != nil || err2 != nil {
			return fmt.Errorf("gen N KEYS FILE: N and KEYS are numbers")
		}
		return gen(n, keys, args[3])
	case len(args) == 2 && args[0] == "porcupine":
		ok, n, err := checkAlone(args[1])
		if err != nil {
			return err
		}
		fmt.Printf("porcupine alone: %d operations, linearizable=%t\n", n, ok)
		if !ok {
			os.Exit(1)
		}
		return nil
	}
	return fmt.Errorf("usage: benchtool gen N KEYS FILE | benchtool porcupine FILE")
}

func gen(n, keys int, path string) error {
	h := benchgen.History(n, keys, 32)
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w, err := history.NewWriter(f, history.Header{Target: "emulator", Seed: 7})
	if err != nil {
		return err
	}
	for _, e := range h.Events {
		if _, err := w.Append(e); err != nil {
			return err
		}
	}
	if err := w.Close(); err != nil {
		return err
	}
	return f.Close()
}

// event is the part of a line porcupine alone needs.
type event struct {
	Type    string          `json:"type"`
	Process int             `json:"process"`
	F       string          `json:"f"`
	Key     string          `json:"key"`
	Value   json.RawMessage `json:"value"`
	Time    int64           `json:"time"`
}

func checkAlone(path string) (bool, int, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	sc.Scan() // the header
	var ops []porcupine.Operation
	open := map[int]int{}
	for sc.Scan() {
		var e event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			return false, 0, err
		}
		switch e.Type {
		case "invoke":
			in, err := input(e)
			if err != nil {
				return false, 0, err
			}
			open[e.Process] = len(ops)
			ops = append(ops, porcupine.Operation{ClientId: e.Process, Input: in, Call: e.Time, Metadata: e.Key})
		case "ok":
			at := open[e.Process]
			delete(open, e.Process)
			out, err := output(ops[at].Input.(model.Input).Action, e.Value)
			if err != nil {
				return false, 0, err
			}
			ops[at].Output, ops[at].Return = out, e.Time
		default:
			return false, 0, fmt.Errorf("the bench history has only ok ops, got %s", e.Type)
		}
	}
	if err := sc.Err(); err != nil {
		return false, 0, err
	}
	return porcupine.CheckOperations(combined(), ops), len(ops), nil
}

var actions = map[string]model.Action{
	"get_or_create_user": model.GetOrCreate, "get_user": model.Get, "list_users": model.List,
	"issue_code": model.Issue, "verify_code": model.Verify, "read_code": model.ReadCode,
	"write": model.Write, "read": model.Read,
}

func input(e event) (model.Input, error) {
	a, ok := actions[e.F]
	if !ok {
		return model.Input{}, fmt.Errorf("op %q is not in the bench history", e.F)
	}
	in := model.Input{Action: a}
	if a == model.Write {
		var v struct{ Value json.RawMessage }
		if err := json.Unmarshal(e.Value, &v); err != nil {
			return in, err
		}
		in.Value = string(v.Value)
	}
	return in, nil
}

func output(a model.Action, v json.RawMessage) (*model.Output, error) {
	var x struct {
		ID      *int64
		Created bool
		IDs     []int64
		Valid   bool
		Issued  bool
		Used    bool
		Value   json.RawMessage
	}
	if err := json.Unmarshal(v, &x); err != nil {
		return nil, err
	}
	out := &model.Output{Created: x.Created, IDs: x.IDs, Valid: x.Valid, Issued: x.Issued, Used: x.Used}
	if x.ID != nil {
		out.ID, out.Found = *x.ID, true
	}
	if a == model.Read {
		out.Value = string(x.Value)
	}
	return out, nil
}

// combined is one porcupine model for every kind, partitioned by key (the
// bench history's keys never repeat across kinds).
func combined() porcupine.Model {
	specs := map[model.Kind]porcupine.Model{}
	for _, k := range model.Kinds {
		specs[k] = model.For(k).Model()
	}
	m := porcupine.Model{
		Partition: benchgen.PartitionByMetadata,
		Init:      func() any { return nil },
		Step: func(state, in, out any) (bool, any) {
			m := specs[in.(model.Input).Action.Kind()]
			if state == nil {
				state = m.Init()
			}
			return m.Step(state, in, out)
		},
		Equal: func(a, b any) bool { return a == b },
		Hash: func(state any) uint64 {
			switch state.(type) {
			case nil:
				return 0
			case model.User:
				return specs[model.CreateOnce].Hash(state)
			case model.Code:
				return specs[model.SingleUse].Hash(state)
			case string:
				return specs[model.Register].Hash(state)
			}
			panic(fmt.Sprintf("state %T is not in the bench history", state))
		},
	}
	return m
}
