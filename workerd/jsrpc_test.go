package workerd

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/d1check/d1check/emulator/server"
)

// With d1_binding_jsrpc the binding calls RPC; the forwarding Worker makes
// it reach the emulator all the same: the same operations give the same
// answers, bookmarks and errors as over HTTP.
func TestJSRPCBindingThroughTheForwarder(t *testing.T) {
	ops := []probeOp{
		{Op: "run", SQL: "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE)"},
		{Op: "run", SQL: "INSERT INTO t (v) VALUES (?)", Params: []any{"x"}},
		{Op: "all", SQL: "SELECT v, id FROM t"},
		{Op: "raw", SQL: "SELECT v, id FROM t", ColumnNames: true},
		{Op: "run", SQL: "INSERT INTO t (v) VALUES ('x')"},
		{Op: "all", SQL: "SELEC 1"},
		{Op: "batch", Stmts: []probeStmt{{SQL: "INSERT INTO t (v) VALUES ('y')"}, {SQL: "SELECT count(*) AS n FROM t"}}},
	}
	answers := map[bool]probeAnswer{}
	for _, rpc := range []bool{false, true} {
		s := serveEmulator(t, emulatorConfig())
		cfg := probeConfig(t, s)
		if rpc {
			cfg.CompatibilityFlags = []string{FlagJSRPC}
		}
		p, err := Start(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		answers[rpc] = probe(t, p, "WEUR", map[string]any{"session": "first-primary", "ops": ops})
		if err := p.Stop(); err != nil {
			t.Fatal(err)
		}
		for _, e := range s.trace.Entries() {
			if e.Protocol != server.ProtocolBinding || e.Region != "WEUR" {
				t.Fatalf("rpc=%v: traced %+v, want binding requests from WEUR", rpc, e)
			}
		}
	}
	http, rpc := answers[false], answers[true]
	if *http.After != *rpc.After {
		t.Errorf("bookmark after: HTTP %s, RPC %s", *http.After, *rpc.After)
	}
	for i := range ops {
		h, r := http.Results[i], rpc.Results[i]
		if h.Error != r.Error || !reflect.DeepEqual(untimed(t, h.OK), untimed(t, r.OK)) {
			t.Errorf("op %d (%s): HTTP %s %s, RPC %s %s", i, ops[i].SQL, h.OK, h.Error, r.OK, r.Error)
		}
	}
}

// untimed decodes a result without its timings, which differ run to run.
func untimed(t *testing.T, raw json.RawMessage) any {
	t.Helper()
	if raw == nil {
		return nil
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	var strip func(any)
	strip = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			delete(x, "duration")
			delete(x, "timings")
			for _, e := range x {
				strip(e)
			}
		case []any:
			for _, e := range x {
				strip(e)
			}
		}
	}
	strip(v)
	return v
}
