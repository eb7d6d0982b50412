package harness

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/d1check/d1check/checker"
	"github.com/d1check/d1check/emulator/server"
	"github.com/d1check/d1check/scenarios"
	"github.com/d1check/d1check/workerd"
)

func workerdBinary(t *testing.T) string {
	t.Helper()
	p, err := workerd.Find("")
	if err != nil {
		if os.Getenv("D1CHECK_REQUIRE_WORKERD") != "" {
			t.Fatalf("D1CHECK_REQUIRE_WORKERD is set: %v", err)
		}
		t.Skipf("no workerd (%v); scripts/test.sh installs it", err)
	}
	return p
}

// A gate scenario and a demo through the real binding on workerd: the same
// verdict as on the embedded emulator, and the server's trace saved next
// to the history, one entry per query the binding sent.
func TestScenariosOnWorkerd(t *testing.T) {
	bin := workerdBinary(t)
	for _, name := range []string{"gate/users-atomic.yaml", "demo/users-unconstrained-none.yaml"} {
		s, err := scenarios.BuiltinFile(name, Catalog{})
		if err != nil {
			t.Fatal(err)
		}
		s.Ops = 400
		if err := s.OverrideTarget(scenarios.TargetWorkerd); err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		tr := server.NewTrace(0)
		run, err := Execute(context.Background(), s, dir, Options{Workerd: bin, Trace: tr})
		if err != nil {
			t.Fatalf("%s on workerd: %v", name, err)
		}
		if want := checker.Verdict(s.Expect.Verdict); run.Result.Verdict != want {
			t.Errorf("%s on workerd: %s, want %s: %v", name, run.Result.Verdict, want, run.Result.Anomalies)
		}
		if run.History.Header.Target != scenarios.TargetWorkerd {
			t.Errorf("history header target %q", run.History.Header.Target)
		}
		b, err := os.ReadFile(filepath.Join(dir, "trace.jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Count(string(b), "\n")
		if lines < s.Ops || lines != len(tr.Entries()) || !strings.Contains(string(b), `"protocol":"binding"`) {
			t.Errorf("%s: trace.jsonl has %d lines (%d entries) for %d ops", name, lines, len(tr.Entries()), s.Ops)
		}
	}
}

func TestWorkerdMissingIsATargetError(t *testing.T) {
	s, err := scenarios.BuiltinFile("gate/users-atomic.yaml", Catalog{})
	if err != nil {
		t.Fatal(err)
	}
	s.Target.Kind = scenarios.TargetWorkerd
	_, err = Execute(context.Background(), s, t.TempDir(), Options{Workerd: "/nonexistent/workerd"})
	var te *TargetError
	if !errors.As(err, &te) || !strings.Contains(err.Error(), "not an executable file") {
		t.Fatalf("Execute with a missing workerd: %v, want a *TargetError saying so", err)
	}
}
