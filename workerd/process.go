package workerd

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// stopGrace is how long Stop waits after SIGTERM before SIGKILL.
const stopGrace = 3 * time.Second

// Process is a running workerd. Its methods are safe for concurrent use.
type Process struct {
	cfg   Config
	cmd   *exec.Cmd
	addrs map[string]string // region -> host:port
	dir   string            // the config's temporary directory
	out   *tail

	done    chan struct{} // closed when workerd has exited
	waitErr error         // set before done closes
	// alive ends when workerd exits or Start's context ends: the
	// readiness probe's requests stop waiting at once.
	alive       context.Context
	cancelAlive context.CancelFunc

	stopOnce sync.Once
	stopping chan struct{}
	stopErr  error
	watchers sync.WaitGroup
}

// Start writes the config for c, starts workerd and waits (bounded by
// c.StartTimeout and ctx) until every region's socket answers an HTTP
// request. On any failure nothing is left running. Once started, the
// process stops when ctx ends or Stop is called, whichever comes first.
func Start(ctx context.Context, c Config) (_ *Process, err error) {
	c, err = c.withDefaults()
	if err != nil {
		return nil, err
	}
	mods, err := c.modules()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "d1check-workerd-")
	if err != nil {
		return nil, fmt.Errorf("workerd: %w", err)
	}
	defer func() {
		if err != nil {
			os.RemoveAll(dir)
		}
	}()
	if err := copyModules(c.Dir, filepath.Join(dir, "bundle"), mods); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, forwarderFile), forwarderJS, 0o600); err != nil {
		return nil, fmt.Errorf("workerd: %w", err)
	}
	cfgPath := filepath.Join(dir, "config.capnp")
	if err := os.WriteFile(cfgPath, []byte(c.capnp(mods, "bundle")), 0o600); err != nil {
		return nil, fmt.Errorf("workerd: %w", err)
	}

	// d1check opens the sockets and hands them to workerd: a taken port is
	// an error here, before any process exists, and no port is raced for.
	files, addrs, err := listen(c)
	if err != nil {
		return nil, err
	}
	defer func() {
		for _, f := range files {
			f.Close() // workerd holds its own copies
		}
	}()
	args := []string{"serve", cfgPath}
	if c.jsrpc() {
		args = append(args, "--experimental") // workerd calls d1_binding_jsrpc experimental
	}
	for i, r := range c.Regions {
		args = append(args, "--socket-fd", fmt.Sprintf("%s=%d", socketName(r), 3+i))
	}
	p := &Process{cfg: c, addrs: addrs, dir: dir, out: newTail(16 << 10), done: make(chan struct{}), stopping: make(chan struct{})}
	p.alive, p.cancelAlive = context.WithCancel(ctx)
	p.cmd = exec.Command(c.Binary, args...)
	p.cmd.Dir = dir
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	p.cmd.ExtraFiles = files
	// Its own process group, so Stop ends workerd and anything it starts,
	// and death with d1check even if d1check is killed outright.
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := p.cmd.Start(); err != nil {
		p.cancelAlive()
		return nil, fmt.Errorf("workerd: starting %s: %w", c.Binary, err)
	}
	p.watchers.Add(2)
	go func() {
		defer p.watchers.Done()
		p.waitErr = p.cmd.Wait()
		close(p.done)
		p.cancelAlive()
	}()
	go func() {
		defer p.watchers.Done()
		select {
		case <-ctx.Done():
			p.kill()
		case <-p.stopping:
		case <-p.done:
		}
	}()
	if err := p.waitReady(ctx); err != nil {
		p.Stop()
		return nil, err
	}
	return p, nil
}

// listen opens every region's socket; on failure it closes what it opened.
func listen(c Config) (files []*os.File, addrs map[string]string, err error) {
	addrs = map[string]string{}
	for _, r := range c.Regions {
		addr := c.Listen[r]
		if addr == "" {
			addr = "127.0.0.1:0"
		}
		ln, lerr := net.Listen("tcp", addr)
		if lerr != nil {
			for _, f := range files {
				f.Close()
			}
			return nil, nil, fmt.Errorf("workerd: the socket of region %s: %w", r, lerr)
		}
		f, ferr := ln.(*net.TCPListener).File()
		addrs[r] = ln.Addr().String()
		ln.Close() // f is a duplicate that stays open
		if ferr != nil {
			for _, f := range files {
				f.Close()
			}
			return nil, nil, fmt.Errorf("workerd: the socket of region %s: %w", r, ferr)
		}
		files = append(files, f)
	}
	return files, addrs, nil
}

func copyModules(from, to string, mods []module) error {
	for _, m := range mods {
		src := filepath.Join(from, filepath.FromSlash(m.name))
		dst := filepath.Join(to, filepath.FromSlash(m.name))
		if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
			return fmt.Errorf("workerd: %w", err)
		}
		data, err := os.ReadFile(src)
		if err != nil {
			return fmt.Errorf("workerd: module %s: %w", m.name, err)
		}
		if err := os.WriteFile(dst, data, 0o600); err != nil {
			return fmt.Errorf("workerd: %w", err)
		}
	}
	return nil
}

// waitReady polls every socket until it answers, workerd exits, ctx ends
// or StartTimeout passes.
func (p *Process) waitReady(ctx context.Context) error {
	deadline := time.Now().Add(p.cfg.StartTimeout)
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	defer client.CloseIdleConnections()
	for _, r := range p.cfg.Regions {
		url := p.URL(r) + p.cfg.ReadyPath
		for {
			left := time.Until(deadline)
			if left <= 0 {
				return fmt.Errorf("workerd: the Worker did not answer GET %s (region %s) within %s; workerd's output:\n%s", url, r, p.cfg.StartTimeout, p.out.String())
			}
			actx, cancel := context.WithTimeout(p.alive, min(left, 2*time.Second))
			req, _ := http.NewRequestWithContext(actx, http.MethodGet, url, nil)
			resp, err := client.Do(req)
			cancel()
			if err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				break
			}
			select {
			case <-p.done:
				return fmt.Errorf("workerd exited while starting (%v); its output:\n%s", p.waitErr, p.out.String())
			case <-ctx.Done():
				return fmt.Errorf("workerd: waiting for the Worker: %w", ctx.Err())
			case <-time.After(50 * time.Millisecond):
			}
		}
	}
	return nil
}

// URL is the base URL of region's socket ("" for a region not served).
func (p *Process) URL(region string) string {
	a, ok := p.addrs[region]
	if !ok {
		return ""
	}
	return "http://" + a
}

// Regions are the served regions, in Config order.
func (p *Process) Regions() []string { return append([]string(nil), p.cfg.Regions...) }

// Pid is workerd's process id.
func (p *Process) Pid() int { return p.cmd.Process.Pid }

// Done is closed when workerd has exited, for whatever reason.
func (p *Process) Done() <-chan struct{} { return p.done }

// Output is the end of what workerd printed (its last 16 KiB).
func (p *Process) Output() string { return p.out.String() }

// kill asks the process group to end, then forces it.
func (p *Process) kill() {
	pgid := p.cmd.Process.Pid
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(stopGrace):
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		<-p.done
	}
}

// Stop ends workerd (and nothing else) and removes its config. It is
// idempotent. It reports an exit d1check did not ask for: workerd that
// crashed or exited on its own before Stop.
func (p *Process) Stop() error {
	p.stopOnce.Do(func() {
		exitedBefore := false
		select {
		case <-p.done:
			exitedBefore = true
		default:
		}
		close(p.stopping)
		if !exitedBefore {
			p.kill()
		}
		p.watchers.Wait()
		os.RemoveAll(p.dir)
		if exitedBefore {
			p.stopErr = fmt.Errorf("workerd exited on its own (%v); its output:\n%s", p.waitErr, p.out.String())
		}
	})
	return p.stopErr
}

// tail keeps the last n bytes written to it.
type tail struct {
	mu  sync.Mutex
	n   int
	buf []byte
}

func newTail(n int) *tail { return &tail{n: n} }

func (t *tail) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, b...)
	if len(t.buf) > t.n {
		t.buf = append([]byte(nil), t.buf[len(t.buf)-t.n:]...)
	}
	return len(b), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := strings.TrimSpace(string(t.buf))
	if s == "" {
		return "(nothing)"
	}
	return s
}
