// Package layering holds the test that keeps the module's imports to the
// layers docs/architecture.md lists, so the document and the code cannot
// drift apart: the layers are read from the document itself.
package layering

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"testing"
)

// doc is the architecture document, relative to this package.
const doc = "../../docs/architecture.md"

// layerHeading starts the layer list in doc; the list ends at the next
// heading.
const layerHeading = "## Layers"

// Layers is the parsed layer list: each package's layer (1 = lowest), and
// the packages marked "(planned)", which may be absent from the tree.
type Layers struct {
	Of      map[string]int
	Planned map[string]bool
}

var (
	item    = regexp.MustCompile(`^(\d+)\.\s+(.*)$`)
	pkgName = regexp.MustCompile("`([a-z0-9_./-]+)`(\\s*\\(planned\\))?")
)

// ParseLayers reads the numbered list under layerHeading: on each item,
// the back-quoted package paths before the first " — " are that layer's.
// Items must be numbered 1, 2, 3…, and no package may be listed twice.
func ParseLayers(r io.Reader) (Layers, error) {
	l := Layers{Of: map[string]int{}, Planned: map[string]bool{}}
	sc := bufio.NewScanner(r)
	in, n := false, 0
	for line := 0; sc.Scan(); {
		line++
		text := sc.Text()
		if strings.HasPrefix(text, "#") {
			if in {
				break
			}
			in = strings.TrimSpace(text) == layerHeading
			continue
		}
		m := item.FindStringSubmatch(text)
		if !in || m == nil {
			continue
		}
		n++
		if m[1] != fmt.Sprint(n) {
			return l, fmt.Errorf("line %d: layer numbered %s, want %d", line, m[1], n)
		}
		names, _, _ := strings.Cut(m[2], " — ")
		found := pkgName.FindAllStringSubmatch(names, -1)
		if len(found) == 0 {
			return l, fmt.Errorf("line %d: layer %d names no package (write them in back quotes before \" — \")", line, n)
		}
		for _, f := range found {
			if prev, dup := l.Of[f[1]]; dup {
				return l, fmt.Errorf("line %d: %s is in layer %d and again in layer %d", line, f[1], prev, n)
			}
			l.Of[f[1]] = n
			l.Planned[f[1]] = f[2] != ""
		}
	}
	if err := sc.Err(); err != nil {
		return l, err
	}
	if n == 0 {
		return l, fmt.Errorf("no numbered list under %q", layerHeading)
	}
	return l, nil
}

// Package is what the check needs of `go list -json`: the path relative
// to the module, whether it has non-test Go files, and its imports within
// the module (relative too).
type Package struct {
	Path    string
	Shipped bool
	Imports []string
}

// Violations lists every way pkgs break l: a package with non-test files
// that no layer lists, an import of a package in the same or a later
// layer, and a package listed (and not planned) that is not in the tree.
func Violations(l Layers, pkgs []Package) []string {
	var out []string
	present := map[string]bool{}
	for _, p := range pkgs {
		present[p.Path] = true
		if !p.Shipped {
			continue // a test-only package ships nothing
		}
		at, ok := l.Of[p.Path]
		if !ok {
			out = append(out, fmt.Sprintf("%s is in no layer: place it in the layer list of docs/architecture.md", p.Path))
			continue
		}
		for _, imp := range p.Imports {
			to, ok := l.Of[imp]
			switch {
			case !ok:
				// reported as the imported package's own violation
			case to == at:
				out = append(out, fmt.Sprintf("%s imports %s, of its own layer %d", p.Path, imp, at))
			case to > at:
				out = append(out, fmt.Sprintf("%s (layer %d) imports %s, of the later layer %d", p.Path, at, imp, to))
			}
		}
	}
	for name := range l.Of {
		if !present[name] && !l.Planned[name] {
			out = append(out, fmt.Sprintf("docs/architecture.md places %s, which is not in the tree (mark it \"(planned)\" or remove it)", name))
		}
	}
	sort.Strings(out)
	return out
}

// TestImportsFollowTheLayers is the check on the real module.
func TestImportsFollowTheLayers(t *testing.T) {
	f, err := os.Open(doc)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	l, err := ParseLayers(f)
	if err != nil {
		t.Fatalf("%s: %v", doc, err)
	}
	pkgs, err := listModule(t)
	if err != nil {
		t.Fatal(err)
	}
	if len(pkgs) < len(l.Of)/2 {
		t.Fatalf("go list found %d packages, the document places %d: not the module's root?", len(pkgs), len(l.Of))
	}
	for _, v := range Violations(l, pkgs) {
		t.Error(v)
	}
}

// listModule runs `go list -json ./...` at the module's root.
func listModule(t *testing.T) ([]Package, error) {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		goBin = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	cmd := exec.Command(goBin, "list", "-json", "./...")
	cmd.Dir = "../.."
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list: %v: %s", err, stderr.String())
	}
	type listed struct {
		ImportPath string
		Module     *struct{ Path string }
		GoFiles    []string
		CgoFiles   []string
		Imports    []string
	}
	var pkgs []Package
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p listed
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, err
		}
		if p.Module == nil {
			return nil, fmt.Errorf("%s: not in a module", p.ImportPath)
		}
		rel := func(path string) (string, bool) {
			if path == p.Module.Path {
				return ".", true
			}
			return strings.CutPrefix(path, p.Module.Path+"/")
		}
		self, _ := rel(p.ImportPath)
		pkg := Package{Path: self, Shipped: len(p.GoFiles)+len(p.CgoFiles) > 0}
		for _, imp := range p.Imports {
			if r, ok := rel(imp); ok {
				pkg.Imports = append(pkg.Imports, r)
			}
		}
		pkgs = append(pkgs, pkg)
	}
	return pkgs, nil
}

// TestViolations: the check reports each kind of violation, and nothing
// for a module that keeps to its layers.
func TestViolations(t *testing.T) {
	l, err := ParseLayers(strings.NewReader("# x\n\n## Layers\n\nText.\n\n" +
		"1. `base` — the bottom.\n" +
		"2. `mid`, `mid2`, `next` (planned) — the middle; `notapkg` after the dash is prose.\n" +
		"3. `top` — the top.\n\n## After\n\n4. `ignored` — another list.\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Of) != 5 || l.Of["top"] != 3 || !l.Planned["next"] || l.Planned["mid"] {
		t.Fatalf("parsed %+v", l)
	}
	good := []Package{{Path: "base", Shipped: true}, {Path: "mid", Shipped: true, Imports: []string{"base"}},
		{Path: "mid2", Shipped: true}, {Path: "top", Shipped: true, Imports: []string{"mid", "base"}}}
	if v := Violations(l, good); len(v) != 0 {
		t.Fatalf("a module that keeps to its layers: %v", v)
	}
	bad := append([]Package{
		{Path: "new", Shipped: true},                                 // unknown
		{Path: "testonly", Shipped: false, Imports: []string{"top"}}, // test-only: not layered
	}, good...)
	bad[2].Imports = []string{"top"}  // base imports a later layer
	bad[3].Imports = []string{"mid2"} // mid imports its own layer
	bad = bad[:len(bad)-1]            // top is gone, yet placed
	want := []string{"base (layer 1) imports top", "places top, which is not in the tree", "mid imports mid2, of its own layer 2", "new is in no layer"}
	v := Violations(l, bad)
	if len(v) != len(want) {
		t.Fatalf("violations %q, want %d", v, len(want))
	}
	for i, w := range want {
		if !strings.Contains(v[i], w) {
			t.Errorf("violation %d is %q, want it to say %q", i, v[i], w)
		}
	}
	for _, doc := range []string{"## Layers\n\n2. `a` — misnumbered\n", "## Layers\n\n1. `a` — x\n2. `a` — twice\n", "## Layers\n\n1. nothing quoted\n", "# no list\n"} {
		if _, err := ParseLayers(strings.NewReader(doc)); err == nil {
			t.Errorf("ParseLayers(%q) accepted it", doc)
		}
	}
}
