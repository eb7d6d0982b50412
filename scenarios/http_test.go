package scenarios

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const httpScenario = `name: app
workload: http
target: {kind: app, dir: ../my-worker}
bookmarks: {cookie: d1_bookmark}
routes:
  signup:
    model: create-once
    request: {method: POST, path: /users, json: {email: "{key}"}}
    id: $.user.id
    created: $.created
  me:
    model: register
    does: read
    request: {method: get, path: "/me?session={key}"}
    value: $.user
  login:
    model: register
    does: write
    request: {method: POST, path: /login, json: {session: "{key}", user: "{value}"}}
mix: {signup: 3}
`

func TestParseHTTP(t *testing.T) {
	s, err := Parse(filepath.Join("tests", "app.yaml"), []byte(httpScenario), cat)
	if err != nil {
		t.Fatal(err)
	}
	h := s.HTTP
	if h == nil || s.Bookmarks != "carry" || h.Bookmarks.Cookie != "d1_bookmark" || len(h.Ops) != 3 || s.Target.Dir != "my-worker" ||
		len(s.Variants) != 1 || s.Variants[0] != "app" {
		t.Fatalf("parsed %+v / %+v", s, h)
	}
	byName := map[string]int{}
	for i, o := range h.Ops {
		byName[o.Name] = i
	}
	signup, me := h.Ops[byName["signup"]], h.Ops[byName["me"]]
	if signup.Weight != 3 || signup.Does != "get-or-create" || signup.ID.String() != "$.user.id" || signup.Line != 7 {
		t.Errorf("signup %+v", signup)
	}
	if me.Request.Method != "GET" || me.Weight != 1 || me.Value == nil {
		t.Errorf("me %+v", me)
	}
}

// The README's example must parse as printed.
func TestParseReadmeExample(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	start := strings.Index(text, "```yaml\nname: signup-and-login")
	if start < 0 {
		t.Fatal("the README has no signup-and-login scenario")
	}
	body := text[start+len("```yaml\n"):]
	body = body[:strings.Index(body, "```")]
	if _, err := Parse("README.md", []byte(body), cat); err != nil {
		t.Fatal(err)
	}
}

func TestParseHTTPErrors(t *testing.T) {
	for _, c := range []struct {
		name, edit, repl, field string
		line                    int
	}{
		{"unknown route field", "    created: $.created\n", "    created: $.created\n    ids: $.x\n", "ids", 11},
		{"bad path", "id: $.user.id", "id: user.id", "routes.signup.id", 9},
		{"missing created", "    created: $.created\n", "", "routes.signup", 7},
		{"bad model", "model: register\n    does: read", "model: queue\n    does: read", "routes.me.model", 12},
		{"bad method", "method: get", "method: FETCH", "routes.me.request.method", 14},
		{"bad placeholder", "/me?session={key}", "/me?session={id}", "routes.me.request.path", 14},
		{"mix of nothing", "mix: {signup: 3}", "mix: {signin: 3}", "mix.signin", 0},
		{"two carriers", "bookmarks: {cookie: d1_bookmark}", "bookmarks: {cookie: a, header: b}", "bookmarks", 4},
		{"carry is not a carrier", "bookmarks: {cookie: d1_bookmark}", "bookmarks: carry", "bookmarks", 4},
		{"app needs dir", "target: {kind: app, dir: ../my-worker}", "target: {kind: app}", "target.dir", 3},
		{"http needs app", "target: {kind: app, dir: ../my-worker}", "target: {kind: emulator}", "target.kind", 3},
		{"no routes on users", "workload: http\ntarget: {kind: app, dir: ../my-worker}\nbookmarks: {cookie: d1_bookmark}", "workload: users", "routes", 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			src := strings.Replace(httpScenario, c.edit, c.repl, 1)
			if src == httpScenario {
				t.Fatalf("the edit %q changed nothing", c.edit)
			}
			_, err := Parse("app.yaml", []byte(src), cat)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("err %v, want a scenario error", err)
			}
			if e.Field != c.field || (c.line > 0 && e.Line != c.line) {
				t.Errorf("%v: want field %q at line %d", err, c.field, c.line)
			}
		})
	}
}
