package workerd

import (
	"encoding/json"
	"testing"

	"github.com/d1check/d1check/d1"
	"github.com/d1check/d1check/emulator"
)

func TestBindingReachesEmulator(t *testing.T) {
	s := serveEmulator(t, emulator.Config{})
	p := startProbe(t, s)
	a := probe(t, p, "WEUR", map[string]any{"session": "first-primary", "ops": []probeOp{
		{Op: "run", SQL: "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)"},
		{Op: "run", SQL: "INSERT INTO t (v) VALUES (?)", Params: []any{"x"}},
		{Op: "all", SQL: "SELECT id, v FROM t"},
	}})
	for i, r := range a.Results {
		if r.Error != "" {
			t.Fatalf("op %d: %s", i, r.Error)
		}
	}
	var all struct {
		Results []map[string]any `json:"results"`
		Meta    d1.Meta          `json:"meta"`
	}
	if err := json.Unmarshal(a.Results[2].OK, &all); err != nil {
		t.Fatal(err)
	}
	if len(all.Results) != 1 || all.Results[0]["v"] != "x" {
		t.Fatalf("rows = %v, want one row v=x", all.Results)
	}
	if a.Before != nil || a.After == nil {
		t.Fatalf("getBookmark before = %v, after = %v; want null then a bookmark", a.Before, a.After)
	}
}
