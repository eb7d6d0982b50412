package workerd

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// children lists the workerd processes whose parent is this test process,
// from the process table: after a failed Start or a Stop there must be none.
func children(t *testing.T) []int {
	t.Helper()
	stats, err := filepath.Glob("/proc/[0-9]*/stat")
	if err != nil {
		t.Fatal(err)
	}
	me := os.Getpid()
	var pids []int
	for _, f := range stats {
		b, err := os.ReadFile(f)
		if err != nil {
			continue // the process ended while we looked
		}
		// pid (comm) state ppid …; comm may hold spaces, so split after ')'.
		s := string(b)
		i := strings.LastIndexByte(s, ')')
		if i < 0 || !strings.Contains(s[:i], "(workerd") {
			continue
		}
		fields := strings.Fields(s[i+1:])
		if len(fields) < 2 {
			continue
		}
		if ppid, _ := strconv.Atoi(fields[1]); ppid == me {
			pid, _ := strconv.Atoi(strings.Fields(s)[0])
			pids = append(pids, pid)
		}
	}
	return pids
}

func noChildren(t *testing.T) {
	t.Helper()
	if pids := children(t); len(pids) > 0 {
		t.Fatalf("workerd processes left behind: %v", pids)
	}
}

func TestStartRefusesBadInput(t *testing.T) {
	bin := binary(t)
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	ok := Config{Binary: bin, Dir: "testdata/probe", Main: "index.js", CompatibilityDate: "2025-09-01"}
	cases := []struct {
		name string
		edit func(*Config)
		want []string
	}{
		{"port taken", func(c *Config) { c.Listen = map[string]string{"APAC": taken.Addr().String()} },
			[]string{"socket of region APAC", "address already in use"}},
		{"bundle throws at startup", func(c *Config) { c.Dir = "testdata/throws" },
			[]string{"workerd exited while starting", "this bundle throws at startup"}},
		{"Worker never answers", func(c *Config) { c.Dir, c.StartTimeout = "testdata/silent", 2*time.Second },
			[]string{"did not answer GET", "within 2s"}},
		{"binary that is not workerd", func(c *Config) { c.Binary = "testdata/probe/index.js" },
			[]string{"workerd: starting /", "testdata/probe/index.js"}},
		{"missing main module", func(c *Config) { c.Main = "nope.js" }, []string{"main module nope.js"}},
		{"unknown region", func(c *Config) { c.Regions = []string{"MARS"} }, []string{`region "MARS"`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := ok
			c.edit(&cfg)
			p, err := Start(ctx, cfg)
			if err == nil {
				p.Stop()
				t.Fatal("Start succeeded")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			noChildren(t)
		})
	}
}

func TestFindSaysHowToInstall(t *testing.T) {
	t.Setenv(EnvBinary, "")
	t.Setenv("PATH", "")
	t.Chdir(t.TempDir())
	_, err := Find("")
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "scripts/install-node.sh") || !strings.Contains(err.Error(), "--workerd") {
		t.Fatalf("Find = %v, want ErrNotFound saying how to install workerd", err)
	}
	if _, err := Find("/nonexistent/workerd"); !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "--workerd") {
		t.Fatalf("Find(missing path) = %v, want ErrNotFound naming --workerd", err)
	}
	t.Setenv(EnvBinary, "/nonexistent/workerd")
	if _, err := Find(""); !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "$"+EnvBinary) {
		t.Fatalf("Find with a bad $%s = %v, want an error naming it", EnvBinary, err)
	}
}

func TestStopEndsWorkerdOnEveryPath(t *testing.T) {
	s := serveEmulator(t, emulatorConfig())
	// Stop.
	p := startProbe(t, s)
	if len(children(t)) != 1 {
		t.Fatalf("children = %v, want the one workerd", children(t))
	}
	if err := p.Stop(); err != nil {
		t.Fatal(err)
	}
	noChildren(t)
	// The context ending (Ctrl-C in d1check cancels it).
	cctx, cancel := contextWithCancel()
	p2, err := Start(cctx, probeConfig(t, s))
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	<-p2.Done()
	p2.Stop()
	noChildren(t)
	// workerd dying on its own is reported by Stop.
	p3, err := Start(ctx, probeConfig(t, s))
	if err != nil {
		t.Fatal(err)
	}
	if err := p3.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-p3.Done()
	if err := p3.Stop(); err == nil || !strings.Contains(err.Error(), "exited on its own") {
		t.Fatalf("Stop after a crash = %v, want it reported", err)
	}
	noChildren(t)
}
