package workerd

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/d1check/d1check/d1"
)

// D1Binding is one D1 database binding of the Worker (env.<Name>),
// answered by an emulator server speaking the binding protocol at Addr.
type D1Binding struct {
	Name string
	Addr string // host:port of the emulator's server
	// Secret, when the server has one, is injected as x-d1check-secret.
	Secret string
}

// Config says what workerd runs.
type Config struct {
	// Binary is the workerd executable (see Find).
	Binary string
	// Dir holds the Worker's ES-module bundle; Main is its main module,
	// relative to Dir. Every other .js/.mjs (ES module), .wasm, .txt and
	// .bin file under Dir is embedded too, under its path relative to Dir,
	// as `wrangler deploy --dry-run --outdir` lays a bundle out.
	Dir  string
	Main string

	CompatibilityDate string
	// CompatibilityFlags are the Worker's; with FlagJSRPC each D1 binding
	// is served through a forwarding Worker (and workerd runs with
	// --experimental, which that flag needs).
	CompatibilityFlags []string
	// Vars are plain-text bindings (wrangler's [vars]).
	Vars map[string]string
	D1   []D1Binding

	// Regions are the edge locations to serve, one socket each (default:
	// every D1 region). Each injects x-d1check-region into its queries.
	Regions []string
	// Listen optionally fixes a region's address (default 127.0.0.1:0, a
	// free port).
	Listen map[string]string

	// StartTimeout bounds the wait until every socket answers (default 30s).
	StartTimeout time.Duration
	// ReadyPath is what the readiness probe GETs on each socket (default
	// "/"): any HTTP answer, even a 404, means the Worker is serving.
	ReadyPath string
}

// FlagJSRPC is the compatibility flag that makes the D1 binding call an
// RPC method on its fetcher instead of sending HTTP.
const FlagJSRPC = "d1_binding_jsrpc"

// forwarderFile is where Start writes forwarder.js, relative to the config.
const forwarderFile = "d1check-forwarder.js"

func (c Config) withDefaults() (Config, error) {
	if c.Binary == "" {
		return c, errors.New("workerd: Config.Binary is empty (use workerd.Find)")
	}
	if strings.ContainsRune(c.Binary, filepath.Separator) {
		// workerd runs in its config's directory: a relative path must not
		// be resolved from there.
		abs, err := filepath.Abs(c.Binary)
		if err != nil {
			return c, fmt.Errorf("workerd: %w", err)
		}
		c.Binary = abs
	}
	if c.Dir == "" || c.Main == "" {
		return c, errors.New("workerd: Config.Dir and Config.Main name the Worker's bundle; one is empty")
	}
	if fi, err := os.Stat(filepath.Join(c.Dir, c.Main)); err != nil || !fi.Mode().IsRegular() {
		return c, fmt.Errorf("workerd: main module %s: not a file in %s", c.Main, c.Dir)
	}
	if c.CompatibilityDate == "" {
		return c, errors.New("workerd: Config.CompatibilityDate is empty (wrangler's compatibility_date)")
	}
	if len(c.Regions) == 0 {
		c.Regions = d1.Regions
	}
	for _, r := range c.Regions {
		if !d1.ValidRegion(r) {
			return c, fmt.Errorf("workerd: region %q: want one of %v", r, d1.Regions)
		}
	}
	for r := range c.Listen {
		if !slices.Contains(c.Regions, r) {
			return c, fmt.Errorf("workerd: Config.Listen names region %q, which is not served", r)
		}
	}
	names := map[string]bool{}
	for name := range c.Vars {
		names[name] = true
	}
	for _, b := range c.D1 {
		if b.Name == "" || b.Addr == "" {
			return c, fmt.Errorf("workerd: D1 binding %q: Name and Addr are required", b.Name)
		}
		if names[b.Name] {
			return c, fmt.Errorf("workerd: binding name %q is used twice", b.Name)
		}
		names[b.Name] = true
	}
	if c.StartTimeout <= 0 {
		c.StartTimeout = 30 * time.Second
	}
	if c.ReadyPath == "" {
		c.ReadyPath = "/"
	}
	return c, nil
}

// module is one file of the bundle.
type module struct {
	name string // path relative to Dir, slash-separated
	kind string // the Workerd.Worker.Module field: esModule, wasm, text, data
}

// modules lists the bundle's files, the main module first.
func (c Config) modules() ([]module, error) {
	var mods []module
	main := filepath.ToSlash(filepath.Clean(c.Main))
	err := filepath.WalkDir(c.Dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(c.Dir, p)
		if err != nil {
			return err
		}
		kind := ""
		switch strings.ToLower(filepath.Ext(p)) {
		case ".js", ".mjs":
			kind = "esModule"
		case ".wasm":
			kind = "wasm"
		case ".txt", ".html", ".sql":
			kind = "text"
		case ".bin":
			kind = "data"
		}
		if kind != "" && filepath.ToSlash(rel) != main {
			mods = append(mods, module{name: filepath.ToSlash(rel), kind: kind})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("workerd: reading the bundle in %s: %w", c.Dir, err)
	}
	sort.Slice(mods, func(i, j int) bool { return mods[i].name < mods[j].name })
	return append([]module{{name: main, kind: "esModule"}}, mods...), nil
}

// socketName is the config's name of region's socket.
func socketName(region string) string { return strings.ToLower(region) }

// capnp renders the workerd config. Modules are embedded from modDir
// (relative to the config file); sockets get their listening descriptors
// from the command line (--socket-fd), so their address here is a
// placeholder.
func (c Config) capnp(mods []module, modDir string) string {
	var b strings.Builder
	b.WriteString("# Written by d1check: the Worker once per region, its D1 bindings answered by d1check's emulator.\n")
	b.WriteString("using Workerd = import \"/workerd/workerd.capnp\";\n\nconst config :Workerd.Config = (\n  services = [\n")
	for _, r := range c.Regions {
		fmt.Fprintf(&b, "    (name = %s, worker = .worker%s),\n", quote("app-"+r), r)
		for _, d := range c.D1 {
			headers := []string{fmt.Sprintf("(name = %s, value = %s)", quote("x-d1check-region"), quote(r))}
			if d.Secret != "" {
				headers = append(headers, fmt.Sprintf("(name = %s, value = %s)", quote("x-d1check-secret"), quote(d.Secret)))
			}
			fmt.Fprintf(&b, "    (name = %s, external = (address = %s, http = (injectRequestHeaders = [%s]))),\n",
				quote(d1Service(d.Name, r)), quote(d.Addr), strings.Join(headers, ", "))
			if c.jsrpc() {
				fmt.Fprintf(&b, "    (name = %s, worker = .%s),\n", quote(rpcService(d.Name, r)), rpcConst(d.Name, r))
			}
		}
	}
	b.WriteString("  ],\n  sockets = [\n")
	for _, r := range c.Regions {
		fmt.Fprintf(&b, "    (name = %s, address = \"127.0.0.1:0\", http = (), service = %s),\n", quote(socketName(r)), quote("app-"+r))
	}
	b.WriteString("  ],\n);\n")
	for _, r := range c.Regions {
		fmt.Fprintf(&b, "\nconst worker%s :Workerd.Worker = (\n  modules = [\n", r)
		for _, m := range mods {
			fmt.Fprintf(&b, "    (name = %s, %s = embed %s),\n", quote(m.name), m.kind, quote(modDir+"/"+m.name))
		}
		fmt.Fprintf(&b, "  ],\n  compatibilityDate = %s,\n  compatibilityFlags = [", quote(c.CompatibilityDate))
		for i, f := range c.CompatibilityFlags {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(quote(f))
		}
		b.WriteString("],\n  bindings = [\n")
		for _, name := range sortedNames(c.Vars) {
			fmt.Fprintf(&b, "    (name = %s, text = %s),\n", quote(name), quote(c.Vars[name]))
		}
		for _, d := range c.D1 {
			fetcher := d1Service(d.Name, r)
			if c.jsrpc() {
				fetcher = rpcService(d.Name, r)
			}
			fmt.Fprintf(&b, "    (name = %s, wrapped = (moduleName = \"cloudflare-internal:d1-api\", innerBindings = [(name = \"fetcher\", service = %s)])),\n",
				quote(d.Name), quote(fetcher))
		}
		b.WriteString("  ],\n);\n")
		if c.jsrpc() {
			for _, d := range c.D1 {
				fmt.Fprintf(&b, "\nconst %s :Workerd.Worker = (\n  modules = [(name = \"forwarder.js\", esModule = embed %s)],\n", rpcConst(d.Name, r), quote(forwarderFile))
				fmt.Fprintf(&b, "  compatibilityDate = %s,\n  bindings = [(name = \"upstream\", service = %s)],\n);\n", quote(c.CompatibilityDate), quote(d1Service(d.Name, r)))
			}
		}
	}
	return b.String()
}

// jsrpc reports whether the D1 binding calls its fetcher over RPC: each D1
// binding then gets a forwarding Worker (forwarder.js) that implements the
// RPC method by sending the binding protocol's HTTP request.
func (c Config) jsrpc() bool { return slices.Contains(c.CompatibilityFlags, FlagJSRPC) }

func rpcService(binding, region string) string { return "d1rpc-" + binding + "-" + region }

// rpcConst is the config's name of a forwarder: a Cap'n Proto identifier.
func rpcConst(binding, region string) string {
	id := []byte("forwarder" + region)
	for i := 0; i < len(binding); i++ {
		c := binding[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			id = append(id, c)
		} else {
			id = append(id, fmt.Sprintf("X%02x", c)...)
		}
	}
	return string(id)
}

func d1Service(binding, region string) string { return "d1-" + binding + "-" + region }

func sortedNames(m map[string]string) []string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// quote is a Cap'n Proto text string literal: C-style escapes, UTF-8
// passed through.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\t':
			b.WriteString(`\t`)
		case c == '\r':
			b.WriteString(`\r`)
		case c < 0x20 || c == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}
