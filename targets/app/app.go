package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"

	"github.com/d1check/d1check/d1"
	"github.com/d1check/d1check/emulator"
	"github.com/d1check/d1check/emulator/server"
	"github.com/d1check/d1check/workerd"
)

// Options configure Start.
type Options struct {
	// Dir is the wrangler project.
	Dir string
	// Emulator is the replicated D1 the Worker's bindings talk to.
	Emulator emulator.Config
	Tools    Tools
	// Workerd is the workerd binary; "" finds it (workerd.Find).
	Workerd string
	// Trace, when set, records every query the emulator's server answers;
	// else App.Trace is a fresh one.
	Trace *server.Trace
	// Log, when set, receives one line per step (bundled, migrated,
	// ignored assets…).
	Log func(string)
}

// App is the project running: workerd serving the Worker on one socket
// per region, every D1 binding answered by one embedded emulator whose
// server traces every query.
type App struct {
	Project *Project
	Emu     *emulator.Emulator
	Trace   *server.Trace
	proc    *workerd.Process
	stopSrv func() error
	tmp     string
	output  string // workerd's last output, kept when it stops
}

// Start reads, bundles and migrates the project, and starts workerd. On
// any error nothing is left running. A *ConfigError is the project's
// fault (exit 254); any other error the harness's or workerd's.
func Start(ctx context.Context, opts Options) (_ *App, err error) {
	logf := func(format string, args ...any) {
		if opts.Log != nil {
			opts.Log(fmt.Sprintf(format, args...))
		}
	}
	p, err := Open(ctx, opts.Dir, opts.Tools)
	if err != nil {
		return nil, err
	}
	for _, ig := range p.Ignored {
		logf("app: ignored: %s", ig)
	}
	bin, err := workerd.Find(firstNonEmpty(opts.Workerd, os.Getenv(workerd.EnvBinary), p.ownWorkerd()))
	if err != nil {
		return nil, err
	}
	a := &App{Project: p}
	defer func() {
		if err != nil {
			err = errors.Join(err, a.Close())
		}
	}()
	if a.tmp, err = os.MkdirTemp("", "d1check-app-"); err != nil {
		return nil, err
	}
	main, err := p.Bundle(ctx, a.tmp)
	if err != nil {
		return nil, err
	}
	logf("app: bundled %s with %s", p.Main, p.wrangler)
	if a.Emu, err = emulator.New(opts.Emulator); err != nil {
		return nil, err
	}
	primary, err := a.Emu.Database(d1.Regions[0])
	if err != nil {
		return nil, err
	}
	// Every binding is one database here: d1check checks one D1 at a time.
	for _, db := range p.D1 {
		if db.MigrationsDir == "" {
			continue
		}
		files, err := Migrate(ctx, primary, db.MigrationsDir)
		if err != nil {
			return nil, err
		}
		logf("app: %s: %s", db.Binding, describe(db.MigrationsDir, files))
	}
	a.Trace = opts.Trace
	if a.Trace == nil {
		a.Trace = server.NewTrace(0)
	}
	srv, err := server.New(a.Emu, server.Options{Trace: a.Trace})
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	sctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	served := make(chan error, 1)
	go func() { served <- server.Serve(sctx, ln, srv) }()
	a.stopSrv = func() error { cancel(); return <-served }
	var binds []workerd.D1Binding
	for _, db := range p.D1 {
		binds = append(binds, workerd.D1Binding{Name: db.Binding, Addr: ln.Addr().String()})
	}
	a.proc, err = workerd.Start(ctx, workerd.Config{
		Binary: bin, Dir: a.tmp, Main: main,
		CompatibilityDate: p.CompatibilityDate, CompatibilityFlags: p.CompatibilityFlags,
		Vars: p.Vars, D1: binds,
	})
	if err != nil {
		return nil, err
	}
	logf("app: workerd serving %s in %d regions", p.ConfigPath, len(d1.Regions))
	return a, nil
}

// ownWorkerd is the workerd the project's own wrangler installed, "" when
// there is none: the runtime the team develops on, so the one to test on.
func (p *Project) ownWorkerd() string {
	bin := filepath.Join(p.Dir, "node_modules", "@cloudflare", "workerd-linux-64", "bin", "workerd")
	if isFile(bin) {
		return bin
	}
	return ""
}

// URL is the app's base URL in region.
func (a *App) URL(region string) (string, error) {
	u := a.proc.URL(region)
	if u == "" {
		return "", fmt.Errorf("app: no socket for region %q", region)
	}
	return u, nil
}

// Output is the end of what workerd printed (the Worker's console and
// uncaught errors), for messages.
func (a *App) Output() string {
	if a.proc == nil {
		return a.output
	}
	return a.proc.Output()
}

// Close stops workerd, the server and the emulator, and removes the
// bundle; it is safe on a partly started App.
func (a *App) Close() error {
	var errs []error
	if a.proc != nil {
		errs = append(errs, a.proc.Stop())
		a.output = a.proc.Output()
		a.proc = nil
	}
	if a.stopSrv != nil {
		errs = append(errs, a.stopSrv())
		a.stopSrv = nil
	}
	if a.Emu != nil {
		errs = append(errs, a.Emu.Close())
		a.Emu = nil
	}
	if a.tmp != "" {
		errs = append(errs, os.RemoveAll(a.tmp))
		a.tmp = ""
	}
	return errors.Join(errs...)
}
