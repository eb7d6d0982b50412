package scenarios

import (
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/d1check/d1check/httpspec"
)

// HTTPWorkload is the workload name of declared HTTP traffic against an
// app target: routes instead of a Go workload.
const HTTPWorkload = httpspec.Workload

// rawRoute is one entry of an http scenario's routes.
type rawRoute struct {
	Model    string      `yaml:"model"`
	Does     string      `yaml:"does"`
	Request  *rawRequest `yaml:"request"`
	ID       string      `yaml:"id"`
	Created  string      `yaml:"created"`
	Success  string      `yaml:"success"`
	Value    string      `yaml:"value"`
	Elements string      `yaml:"elements"`
	Refuse   []int       `yaml:"refuse"`
}

type rawRequest struct {
	Method  string            `yaml:"method"`
	Path    string            `yaml:"path"`
	Headers map[string]string `yaml:"headers"`
	JSON    any               `yaml:"json"`
}

var methods = []string{"GET", "POST", "PUT", "PATCH", "DELETE"}

// notHTTP validates the fields of a Go workload's scenario.
func (v *validator) notHTTP(r *raw, s *Scenario) {
	switch b := r.Bookmarks.(type) {
	case nil:
		s.Bookmarks = DefaultBookmarks
	case string:
		s.Bookmarks = b
		v.oneOf("bookmarks", s.Bookmarks, []string{"none", "carry"})
	default:
		v.fail("bookmarks", "none or carry (a header or cookie is for an http workload)")
	}
	for _, f := range []struct {
		set  bool
		name string
	}{{r.Routes != nil, "routes"}, {r.Mix != nil, "mix"}, {r.Setup != nil, "setup"}} {
		if f.set {
			v.fail(f.name, "only an http workload (workload: http) declares %s", f.name)
		}
	}
	if r.Target != nil && r.Target.Kind == "app" {
		v.fail("target.kind", "an app target is driven by an http workload (workload: http, with routes)")
	}
}

// http validates an http workload: its routes, mix, setup and bookmarks.
func (v *validator) http(r *raw, s *Scenario) {
	spec := &httpspec.Spec{}
	s.HTTP = spec
	if len(r.Variants) > 0 {
		v.fail("variants", "an http workload has no variants: the app is what it is")
	}
	s.Variants = []string{httpspec.Variant}
	s.Bookmarks = "none"
	switch b := r.Bookmarks.(type) {
	case nil:
	case string:
		if b != "none" {
			v.fail("bookmarks", "%q: for an http workload say how the app hands bookmarks over: {header: x-d1-bookmark}, {cookie: NAME} or none", b)
		}
	case map[string]any:
		for k, x := range b {
			name, ok := x.(string)
			if !ok || name == "" {
				v.fail("bookmarks."+k, "want a header or cookie name")
				continue
			}
			switch k {
			case "header":
				spec.Bookmarks.Header = name
			case "cookie":
				spec.Bookmarks.Cookie = name
			default:
				v.fail("bookmarks."+k, "unknown field: give header or cookie")
			}
		}
		if len(b) != 1 {
			v.fail("bookmarks", "give exactly one of header or cookie")
		}
		if spec.Bookmarks.Carry() {
			s.Bookmarks = "carry"
		}
	default:
		v.fail("bookmarks", "want none, {header: NAME} or {cookie: NAME}")
	}
	if len(r.Routes) == 0 {
		v.fail("routes", "missing: an http workload declares its routes (name: {model, request, …})")
	}
	names := make([]string, 0, len(r.Routes))
	for n := range r.Routes {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		spec.Ops = append(spec.Ops, v.route(name, r.Routes[name], r.Mix))
	}
	for name := range r.Mix {
		if _, ok := r.Routes[name]; !ok {
			v.fail("mix."+name, "no route named %q (routes: %s)", name, strings.Join(names, ", "))
		}
	}
	for i, rq := range r.Setup {
		spec.Setup = append(spec.Setup, v.request(fmt.Sprintf("setup[%d]", i), rq))
	}
	if v.err == nil {
		if field, err := spec.Validate(); err != nil {
			v.fail(strings.Replace(field, "ops.", "routes.", 1), "%v", err)
		}
	}
	if r.Target == nil || r.Target.Kind != "app" {
		v.fail("target.kind", "an http workload runs against an app target (kind: app, dir: PATH)")
	}
}

func (v *validator) route(name string, r *rawRoute, mix map[string]int) httpspec.Op {
	f := "routes." + name
	o := httpspec.Op{Name: name, Model: r.Model, Does: r.Does, Refuse: r.Refuse, Weight: 1, File: v.file, Line: v.line(f)}
	if w, ok := mix[name]; ok {
		o.Weight = w
		if w < 0 {
			v.fail("mix."+name, "%d: a weight is 0 or more", w)
		}
	}
	if o.Model == "" {
		v.fail(f+".model", "missing: one of %s", strings.Join(httpspec.Models, ", "))
	} else if roles, ok := httpspec.Roles[o.Model]; ok && o.Does == "" {
		o.Does = roles[0]
	}
	o.Request = v.request(f+".request", r.Request)
	o.ID = v.path(f+".id", r.ID)
	o.Created = v.path(f+".created", r.Created)
	o.Success = v.path(f+".success", r.Success)
	o.Value = v.path(f+".value", r.Value)
	o.Elements = v.path(f+".elements", r.Elements)
	return o
}

func (v *validator) request(f string, r *rawRequest) httpspec.Request {
	if r == nil {
		v.fail(f, "missing: {method, path, json}")
		return httpspec.Request{}
	}
	out := httpspec.Request{Method: strings.ToUpper(r.Method), Path: r.Path, Headers: r.Headers, JSON: r.JSON}
	if out.Method == "" {
		out.Method = "GET"
	}
	v.oneOf(f+".method", out.Method, methods)
	if !strings.HasPrefix(r.Path, "/") {
		v.fail(f+".path", "%q: a path starts with / (the app's origin is the target's)", r.Path)
	}
	if r.JSON != nil && (out.Method == "GET" || out.Method == "DELETE") {
		v.fail(f+".json", "a %s request has no body", out.Method)
	}
	if i := strings.Index(r.Path, "{"); i >= 0 && !knownPlaceholders(r.Path) {
		v.fail(f+".path", "%q: unknown placeholder (use {key}, {value}, {client} or {n})", r.Path)
	}
	return out
}

func knownPlaceholders(s string) bool {
	for {
		i := strings.Index(s, "{")
		if i < 0 {
			return true
		}
		j := strings.Index(s[i:], "}")
		if j < 0 || !slices.Contains([]string{"{key}", "{value}", "{client}", "{n}"}, s[i:i+j+1]) {
			return false
		}
		s = s[i+j+1:]
	}
}

func (v *validator) path(f, src string) *httpspec.Path {
	if src == "" {
		return nil
	}
	p, err := httpspec.ParsePath(src)
	if err != nil {
		v.fail(f, "%v", err)
		return nil
	}
	return &p
}

// targetDir resolves an app target's dir against the scenario file's
// directory: a scenario committed next to its app keeps working from
// any working directory.
func (v *validator) targetDir(s *Scenario, dir string) {
	switch {
	case s.Target.Kind == "app" && dir == "":
		v.fail("target.dir", "an app target needs dir: the Worker project (where wrangler.jsonc or wrangler.toml is)")
	case s.Target.Kind != "app" && dir != "":
		v.fail("target.dir", "only an app target has a dir")
	case dir == "" || filepath.IsAbs(dir) || strings.HasPrefix(v.file, BuiltinPrefix):
		s.Target.Dir = dir
	default:
		s.Target.Dir = filepath.Join(filepath.Dir(v.file), dir)
	}
}
