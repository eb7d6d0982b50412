// Package app is the app target: the team's own wrangler project, bundled
// by its own wrangler, run on real workerd in every D1 region over an
// embedded replicated emulator, its D1 bindings answered by the emulator's
// binding protocol and every query traced.
//
// Reading the project goes through wrangler itself (its
// unstable_readConfig), so wrangler.toml, wrangler.json and wrangler.jsonc
// mean exactly what they mean to wrangler; d1check only decides what it can
// serve: D1 databases and text vars. Any other binding is an error naming
// it and the file, before anything runs; static assets are ignored, and
// the run says so.
package app

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Project is what d1check needs of a wrangler project.
type Project struct {
	Dir        string // the project directory, absolute
	ConfigPath string // wrangler.toml, wrangler.json or wrangler.jsonc
	Main       string // the entry point as configured, absolute
	// CompatibilityDate and CompatibilityFlags are the Worker's.
	CompatibilityDate  string
	CompatibilityFlags []string
	Vars               map[string]string
	D1                 []D1Database
	// Ignored lists what the project configures that d1check leaves out
	// (static assets), for the run to say so.
	Ignored []string

	node, wrangler string
}

// D1Database is one d1_databases entry.
type D1Database struct {
	Binding       string `json:"binding"`
	MigrationsDir string `json:"migrations_dir"` // absolute; "" for none
}

// ConfigError is a project d1check cannot run as it is (exit 254): a
// missing directory, an unsupported binding, a bundle that fails.
type ConfigError struct{ Err error }

func (e *ConfigError) Error() string { return e.Err.Error() }
func (e *ConfigError) Unwrap() error { return e.Err }

func configErr(format string, args ...any) error { return &ConfigError{fmt.Errorf(format, args...)} }

//go:embed readconfig.js
var readConfigJS string

// configFiles are the names wrangler looks for, in its order.
var configFiles = []string{"wrangler.json", "wrangler.jsonc", "wrangler.toml"}

// Open reads the wrangler project in dir. Tools (node, wrangler) are
// looked up as Tools says.
func Open(ctx context.Context, dir string, tools Tools) (*Project, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, configErr("target.dir %s: %v", dir, err)
	}
	fi, err := os.Stat(abs)
	if err != nil || !fi.IsDir() {
		return nil, configErr("target.dir %s: not a directory (it should be the Worker project, where wrangler.jsonc or wrangler.toml is)", dir)
	}
	cfgPath := ""
	for _, name := range configFiles {
		if _, err := os.Stat(filepath.Join(abs, name)); err == nil {
			cfgPath = filepath.Join(abs, name)
			break
		}
	}
	if cfgPath == "" {
		return nil, configErr("target.dir %s: no %s: not a wrangler project", dir, strings.Join(configFiles, ", "))
	}
	node, wrangler, err := tools.find(abs)
	if err != nil {
		return nil, err
	}
	p := &Project{Dir: abs, ConfigPath: cfgPath, node: node, wrangler: wrangler}
	if err := p.read(ctx); err != nil {
		return nil, err
	}
	return p, nil
}

// readTimeout bounds wrangler's reading of the config.
const readTimeout = 60 * time.Second

// wranglerConfig is what readconfig.js prints.
type wranglerConfig struct {
	Main               string            `json:"main"`
	CompatibilityDate  string            `json:"compatibility_date"`
	CompatibilityFlags []string          `json:"compatibility_flags"`
	Vars               map[string]any    `json:"vars"`
	D1                 []D1Database      `json:"d1_databases"`
	Unsupported        []unsupportedBind `json:"unsupported"`
	Assets             bool              `json:"assets"`
}

type unsupportedBind struct {
	Field string `json:"field"`
	Name  string `json:"name"`
}

func (p *Project) read(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, readTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, p.node, "-e", readConfigJS, p.wrangler, p.ConfigPath)
	cmd.Dir = p.Dir
	cmd.Env = wranglerEnv()
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return configErr("%s: wrangler could not read it: %v\n%s", p.ConfigPath, err, strings.TrimSpace(errb.String()))
	}
	var c wranglerConfig
	if err := json.Unmarshal(out.Bytes(), &c); err != nil {
		return fmt.Errorf("app: reading wrangler's view of %s: %w", p.ConfigPath, err)
	}
	var errs []error
	for _, u := range c.Unsupported {
		errs = append(errs, fmt.Errorf("%s: %s binding %q: d1check serves only D1 databases and vars; remove it, or put the code that needs it behind a route the scenario does not call and a binding d1check can stub", p.ConfigPath, u.Field, u.Name))
	}
	if c.Main == "" {
		errs = append(errs, fmt.Errorf("%s: main: missing: d1check needs the Worker's entry point", p.ConfigPath))
	}
	if c.CompatibilityDate == "" {
		errs = append(errs, fmt.Errorf("%s: compatibility_date: missing", p.ConfigPath))
	}
	if len(c.D1) == 0 {
		errs = append(errs, fmt.Errorf("%s: d1_databases: none: there is nothing for d1check to check", p.ConfigPath))
	}
	p.Vars = map[string]string{}
	for k, v := range c.Vars {
		s, ok := v.(string)
		if !ok {
			errs = append(errs, fmt.Errorf("%s: vars.%s: d1check passes text vars only, this one is %T", p.ConfigPath, k, v))
		}
		p.Vars[k] = s
	}
	for i, d := range c.D1 {
		if d.MigrationsDir == "" {
			continue
		}
		if !filepath.IsAbs(d.MigrationsDir) {
			c.D1[i].MigrationsDir = filepath.Join(filepath.Dir(p.ConfigPath), d.MigrationsDir)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return &ConfigError{err}
	}
	p.Main, p.CompatibilityDate, p.CompatibilityFlags, p.D1 = c.Main, c.CompatibilityDate, c.CompatibilityFlags, c.D1
	if c.Assets {
		p.Ignored = append(p.Ignored, "static assets (assets): d1check sends the scenario's requests to the Worker only")
	}
	return nil
}

// wranglerEnv keeps wrangler local and quiet: no telemetry, no prompts.
func wranglerEnv() []string {
	return append(os.Environ(), "WRANGLER_SEND_METRICS=false", "CI=true", "NO_COLOR=1", "FORCE_COLOR=0")
}
