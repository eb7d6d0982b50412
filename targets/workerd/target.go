package workerd

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/d1check/d1check/d1"
	"github.com/d1check/d1check/emulator"
	"github.com/d1check/d1check/emulator/server"
	"github.com/d1check/d1check/targets/worker"
	wd "github.com/d1check/d1check/workerd"
)

// driverBundle is worker/src/index.ts as wrangler bundles it.
//
//go:embed driver/index.js
var driverBundle []byte

// CompatibilityDate is the driver's (worker/wrangler.toml's).
const CompatibilityDate = "2025-09-01"

// Options configure Start.
type Options struct {
	// Binary is the workerd executable; "" resolves it with workerd.Find.
	Binary string
	// Timeout bounds each driver request (default worker.DefaultTimeout).
	Timeout time.Duration
	// StartTimeout bounds workerd's start (default 30s).
	StartTimeout time.Duration
	// Trace, when set, records every query the emulator answers.
	Trace *server.Trace
}

// Target is the driver on workerd over an emulator. Close stops both the
// workerd process and the emulator's server (not the emulator itself,
// which the caller owns).
type Target struct {
	proc    *wd.Process
	clients map[string]*worker.Client
	primary string
	stop    context.CancelFunc
	served  chan error
	dir     string
}

// Start serves emu on a loopback port and runs the driver on workerd over
// it. Nothing is left running when it fails.
func Start(ctx context.Context, emu *emulator.Emulator, opts Options) (_ *Target, err error) {
	bin, err := wd.Find(opts.Binary)
	if err != nil {
		return nil, err
	}
	srv, err := server.New(emu, server.Options{Trace: opts.Trace})
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("workerd target: the emulator's listener: %w", err)
	}
	sctx, stop := context.WithCancel(context.Background())
	t := &Target{stop: stop, served: make(chan error, 1), clients: map[string]*worker.Client{}, primary: emu.Status().Primary.Region}
	go func() { t.served <- server.Serve(sctx, ln, srv) }()
	defer func() {
		if err != nil {
			t.Close()
		}
	}()
	if t.dir, err = os.MkdirTemp("", "d1check-driver-"); err != nil {
		return nil, fmt.Errorf("workerd target: %w", err)
	}
	if err := os.WriteFile(filepath.Join(t.dir, "index.js"), driverBundle, 0o600); err != nil {
		return nil, fmt.Errorf("workerd target: %w", err)
	}
	t.proc, err = wd.Start(ctx, wd.Config{
		Binary: bin, Dir: t.dir, Main: "index.js", CompatibilityDate: CompatibilityDate,
		D1: []wd.D1Binding{{Name: "DB", Addr: ln.Addr().String()}}, StartTimeout: opts.StartTimeout,
	})
	if err != nil {
		return nil, err
	}
	for _, r := range t.proc.Regions() {
		c, err := worker.New(t.proc.URL(r), worker.Options{Timeout: opts.Timeout})
		if err != nil {
			return nil, err
		}
		t.clients[r] = c
	}
	// The driver's own check: a query on the primary through the binding.
	pctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if _, err := t.clients[t.primary].Ping(pctx); err != nil {
		return nil, fmt.Errorf("workerd target: the driver on workerd did not answer: %w", err)
	}
	return t, nil
}

// Database is env.DB of a client in region ("" = the primary's region),
// talking to that region's socket: the shape of runner.Target.
func (t *Target) Database(region string) (*d1.Database, error) {
	if region == "" {
		region = t.primary
	}
	c, ok := t.clients[region]
	if !ok {
		return nil, fmt.Errorf("workerd target: region %q: want one of %v", region, d1.Regions)
	}
	return c.Database(), nil
}

// URL is the base URL of region's socket.
func (t *Target) URL(region string) string { return t.proc.URL(region) }

// Process is the workerd process.
func (t *Target) Process() *wd.Process { return t.proc }

// Close stops workerd and the emulator's server. It reports workerd having
// exited on its own during the run.
func (t *Target) Close() error {
	var errs []error
	if t.proc != nil {
		errs = append(errs, t.proc.Stop())
	}
	if t.stop != nil {
		t.stop()
		errs = append(errs, <-t.served)
		t.stop = nil
	}
	if t.dir != "" {
		os.RemoveAll(t.dir)
	}
	return errors.Join(errs...)
}
