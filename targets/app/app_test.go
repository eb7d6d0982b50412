package app

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/d1check/d1check/d1"
	"github.com/d1check/d1check/emulator"
	"github.com/d1check/d1check/workerd"
)

var ctx = context.Background()

func TestSplitSQL(t *testing.T) {
	src, err := os.ReadFile("testdata/toml-app/migrations/0001_notes.sql")
	if err != nil {
		t.Fatal(err)
	}
	got := SplitSQL(string(src))
	if len(got) != 3 {
		t.Fatalf("%d statements, want 3: %+v", len(got), got)
	}
	for i, want := range []struct {
		prefix string
		line   int
	}{{"CREATE TABLE notes", 2}, {"CREATE TRIGGER", 3}, {"INSERT INTO notes", 7}} {
		if !strings.HasPrefix(got[i].SQL, want.prefix) || got[i].Line != want.line {
			t.Errorf("statement %d: line %d %q; want line %d starting %q", i, got[i].Line, got[i].SQL, want.line, want.prefix)
		}
	}
	if !strings.HasSuffix(got[1].SQL, "END") {
		t.Errorf("the trigger was cut inside its body: %q", got[1].SQL)
	}
	if n := len(SplitSQL("-- only a comment;\n\n")); n != 0 {
		t.Errorf("a comment-only file gave %d statements", n)
	}
}

func TestOpenBadDir(t *testing.T) {
	for _, c := range []struct{ dir, want string }{
		{"testdata/nope", "not a directory"},
		{"testdata", "not a wrangler project"},
	} {
		_, err := Open(ctx, c.dir, Tools{})
		var ce *ConfigError
		if !errors.As(err, &ce) || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), c.dir) {
			t.Errorf("Open(%s): %v; want a ConfigError naming the dir and saying %q", c.dir, err, c.want)
		}
	}
}

// tools skips a test that needs node and wrangler when they are missing.
func tools(t *testing.T, dir string) {
	t.Helper()
	if _, _, err := (Tools{}).find(dir); err != nil {
		t.Skipf("no node/wrangler (%v); scripts/install-node.sh installs them", err)
	}
}

func TestAppUnsupportedBinding(t *testing.T) {
	tools(t, "testdata/kv-app")
	_, err := Open(ctx, "testdata/kv-app", Tools{})
	var ce *ConfigError
	if !errors.As(err, &ce) {
		t.Fatalf("Open: %v, want a ConfigError", err)
	}
	for _, want := range []string{"kv_namespaces", `"CACHE"`, filepath.Join("kv-app", "wrangler.toml")} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
}

func TestAppReadsToml(t *testing.T) {
	tools(t, "testdata/toml-app")
	p, err := Open(ctx, "testdata/toml-app", Tools{})
	if err != nil {
		t.Fatal(err)
	}
	if p.CompatibilityDate != "2025-09-01" || len(p.CompatibilityFlags) != 1 || p.Vars["GREETING"] != "hello" ||
		len(p.D1) != 1 || p.D1[0].Binding != "MAIN_DB" || !strings.HasSuffix(p.D1[0].MigrationsDir, "toml-app/migrations") {
		t.Errorf("project %+v", p)
	}
}

func TestAppBundleFailureIsWranglersError(t *testing.T) {
	tools(t, "testdata/broken-app")
	p, err := Open(ctx, "testdata/broken-app", Tools{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.Bundle(ctx, t.TempDir())
	var ce *ConfigError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "could not bundle") || !strings.Contains(err.Error(), "index.js") {
		t.Fatalf("Bundle: %v; want a ConfigError quoting wrangler's error on src/index.js", err)
	}
}

// TestAppRunsOnWorkerd starts the TOML project for real: migrations on the
// primary (the trigger too), vars and flags passed, every region's socket
// answering through a replica, and Close leaving nothing behind.
func TestAppRunsOnWorkerd(t *testing.T) {
	tools(t, "testdata/toml-app")
	if _, err := workerd.Find(""); err != nil {
		t.Skipf("no workerd (%v)", err)
	}
	a, err := Start(ctx, Options{Dir: "testdata/toml-app", Emulator: emulator.Config{Seed: 1}})
	if err != nil {
		t.Fatal(err)
	}
	pid := a.proc.Pid()
	tmp := a.tmp
	for _, r := range d1.Regions {
		u, err := a.URL(r)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.Get(u + "/")
		if err != nil {
			t.Fatal(err)
		}
		var body struct {
			Greeting string   `json:"greeting"`
			Notes    []string `json:"notes"`
		}
		err = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if err != nil || body.Greeting != "hello" || len(body.Notes) != 1 || body.Notes[0] != "first; with a semicolon!" {
			t.Errorf("%s: %+v (%v); workerd said:\n%s", r, body, err, a.Output())
		}
	}
	if n := len(a.Trace.Entries()); n < len(d1.Regions) {
		t.Errorf("the trace has %d queries, want at least one per region", n)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(tmp); !os.IsNotExist(err) {
		t.Errorf("the bundle directory %s is still there", tmp)
	}
	if _, err := os.Stat(filepath.Join("/proc", itoa(pid))); err == nil {
		t.Errorf("workerd (pid %d) is still running", pid)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
