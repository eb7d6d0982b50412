package harness

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/d1check/d1check/scenarios"
	"github.com/d1check/d1check/targets/app"
	"github.com/d1check/d1check/workerd"
)

// appScenario parses an http scenario as if it were the file
// testdata/apps/NAME.yaml, so that dir resolves next to it.
func appScenario(t *testing.T, name, dir, routes string) *scenarios.Scenario {
	t.Helper()
	src := "name: " + name + "\nworkload: http\ntarget: {kind: app, dir: " + dir + "}\nclients: 4\nops: 24\nkeys: {count: 5, hot: 0}\nroutes:\n" + routes
	s, err := scenarios.Parse(filepath.Join("testdata", "apps", name+".yaml"), []byte(src), Catalog{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

const signupRoute = "  signup:\n    model: create-once\n    request: {method: POST, path: /users, json: {email: \"{key}\"}}\n    id: $.user.id\n    created: $.created\n"

// needApp skips a test or benchmark without node, wrangler and workerd.
func needApp(t testing.TB) {
	t.Helper()
	if _, err := workerd.Find(""); err != nil {
		t.Skipf("no workerd (%v); scripts/install-node.sh installs it", err)
	}
	if _, err := app.Open(context.Background(), "testdata/apps/throws", app.Tools{}); err != nil {
		t.Skipf("no node/wrangler (%v)", err)
	}
}

// noneLeft fails if a process whose command line mentions dir is running:
// the app target's workerd runs from a config under $TMPDIR.
func noneLeft(t *testing.T, dir string) {
	t.Helper()
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, p := range procs {
		b, err := os.ReadFile(p)
		if err == nil && strings.Contains(string(b), dir) {
			t.Errorf("still running: %s (%s)", strings.ReplaceAll(string(b), "\x00", " "), p)
		}
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "d1check-*")); len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}
}

// TestAppBadInput: each way an app run can be wrong says what is wrong,
// where, with the right exit class, and leaves nothing running.
func TestAppBadInput(t *testing.T) {
	needApp(t)
	for _, c := range []struct {
		name, dir, routes string
		config            bool     // a ConfigError (exit 254), else a TargetError (255)
		want              []string // in the message
	}{
		{"wrong-dir", "no-such-project", signupRoute, true, []string{"no-such-project", "not a directory"}},
		{"unsupported-binding", "../../../targets/app/testdata/kv-app", signupRoute, true, []string{"kv_namespaces", `"CACHE"`, "wrangler.toml"}},
		{"html", "html", signupRoute, true, []string{"html.yaml:9", "routes.signup", "not JSON", "text/html"}},
		{"path-never-matches", "../../../examples/guide-app", strings.NewReplacer("$.user.id", "$.account.id", "/users", "/guide/users").Replace(signupRoute), true,
			[]string{"path-never-matches.yaml:9", "routes.signup", "$.account.id"}},
		{"throws", "throws", signupRoute, false, []string{"failed all", "the database is on fire", "workerd's output"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			tmp := t.TempDir()
			t.Setenv("TMPDIR", tmp)
			s := appScenario(t, c.name, c.dir, c.routes)
			_, err := Execute(context.Background(), s, filepath.Join(tmp, "out"), Options{})
			var ce *ConfigError
			var te *TargetError
			switch {
			case err == nil:
				t.Fatal("the run succeeded")
			case c.config && !errors.As(err, &ce):
				t.Errorf("%v: want a ConfigError (exit 254)", err)
			case !c.config && !errors.As(err, &te):
				t.Errorf("%v: want a TargetError (exit 255)", err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("the message does not say %q:\n%v", w, err)
				}
			}
			noneLeft(t, tmp)
		})
	}
}
