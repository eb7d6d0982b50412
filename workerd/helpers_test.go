package workerd

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/d1check/d1check/emulator"
	"github.com/d1check/d1check/emulator/server"
)

var ctx = context.Background()

// binary is the workerd binary, or skips the test saying how to get one.
func binary(t testing.TB) string {
	t.Helper()
	p, err := Find("")
	if err != nil {
		if os.Getenv("D1CHECK_REQUIRE_WORKERD") != "" {
			t.Fatalf("D1CHECK_REQUIRE_WORKERD is set: %v", err)
		}
		t.Skipf("no workerd (%v); scripts/test.sh installs it", err)
	}
	return p
}

// served is an emulator behind its HTTP server on a loopback port.
type served struct {
	emu   *emulator.Emulator
	trace *server.Trace
	addr  string
}

func serveEmulator(t testing.TB, cfg emulator.Config) *served {
	t.Helper()
	emu, err := emulator.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	tr := server.NewTrace(0)
	srv, err := server.New(emu, server.Options{Trace: tr})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	sctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- server.Serve(sctx, ln, srv) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("server: %v", err)
		}
		if err := emu.Close(); err != nil {
			t.Errorf("emulator Close: %v", err)
		}
	})
	return &served{emu: emu, trace: tr, addr: ln.Addr().String()}
}

// startProbe runs testdata/probe on workerd over s, stopped at the end of
// the test.
func startProbe(t testing.TB, s *served) *Process {
	t.Helper()
	p, err := Start(ctx, probeConfig(t, s))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := p.Stop(); err != nil {
			t.Errorf("Stop: %v", err)
		}
	})
	return p
}

// probeConfig runs testdata/probe with env.DB served by s.
func probeConfig(t testing.TB, s *served) Config {
	return Config{
		Binary: binary(t), Dir: "testdata/probe", Main: "index.js", CompatibilityDate: "2025-09-01",
		D1: []D1Binding{{Name: "DB", Addr: s.addr}},
	}
}

func emulatorConfig() emulator.Config { return emulator.Config{} }

func contextWithCancel() (context.Context, context.CancelFunc) { return context.WithCancel(ctx) }

// probeOp is one operation the probe Worker runs.
type probeOp struct {
	Op          string      `json:"op"`
	SQL         string      `json:"sql,omitempty"`
	Params      []any       `json:"params,omitempty"`
	Stmts       []probeStmt `json:"stmts,omitempty"`
	Column      string      `json:"column,omitempty"`
	ColumnNames bool        `json:"columnNames,omitempty"`
}

type probeStmt struct {
	SQL    string `json:"sql"`
	Params []any  `json:"params,omitempty"`
}

type probeResult struct {
	OK    json.RawMessage `json:"ok"`
	Error string          `json:"error"`
	Name  string          `json:"name"`
}

type probeAnswer struct {
	SessionError string        `json:"sessionError"`
	Name         string        `json:"name"`
	Before       *string       `json:"before"`
	After        *string       `json:"after"`
	Results      []probeResult `json:"results"`
}

// probe posts body to the probe Worker in region and decodes its answer.
func probe(t testing.TB, p *Process, region string, body map[string]any) probeAnswer {
	t.Helper()
	raw, _ := json.Marshal(body)
	c, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(c, http.MethodPost, p.URL(region)+"/run", bytes.NewReader(raw))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var a probeAnswer
	if err := json.NewDecoder(resp.Body).Decode(&a); err != nil {
		t.Fatalf("probe answer (status %d): %v; workerd said:\n%s", resp.StatusCode, err, p.Output())
	}
	return a
}

func contextWithTimeout(d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, d)
}
