package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/d1check/d1check/checker"
)

// TestCheckStopsOnSignal runs the real d1check (this test binary, as
// testscript.Main runs it under that name) on a history that never ends
// (a FIFO kept open), interrupts it, and wants the signal's exit code,
// "interrupted" and no verdict. The watchdog only keeps a broken build
// from hanging the suite; the verdict depends on no timing.
func TestCheckStopsOnSignal(t *testing.T) {
	self, err := filepath.Abs(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		sig  syscall.Signal
		code int
		name string
	}{{syscall.SIGINT, 130, "SIGINT"}, {syscall.SIGTERM, 143, "SIGTERM"}} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			exe := filepath.Join(dir, "d1check")
			if err := os.Symlink(self, exe); err != nil {
				t.Fatal(err)
			}
			fifo := filepath.Join(dir, "history.jsonl")
			if err := syscall.Mkfifo(fifo, 0o600); err != nil {
				t.Skipf("no FIFO here: %v", err)
			}
			cmd := exec.Command(exe, "check", fifo)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			watchdog := time.AfterFunc(time.Minute, func() { cmd.Process.Kill() })
			defer watchdog.Stop()
			// Opening the FIFO returns once d1check has opened it, which it
			// does after installing its signal handlers.
			w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer w.Close()
			w.WriteString(`{"d1check":"history","version":1,"target":"emulator","seed":1,"started_at":"2025-01-01T00:00:00Z"}` + "\n" +
				`{"index":0,"type":"invoke","process":1,"f":"get_user","key":"a","value":{"email":"a"},"time":1}` + "\n")
			if err := cmd.Process.Signal(tc.sig); err != nil {
				t.Fatal(err)
			}
			err = cmd.Wait()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != tc.code {
				t.Fatalf("exit %v, want code %d; stderr: %s", err, tc.code, stderr.String())
			}
			if !strings.Contains(stderr.String(), "interrupted by "+tc.name+", no verdict") || strings.Contains(stdout.String(), "verdict") {
				t.Errorf("stdout %q, stderr %q: want interrupted and no verdict", stdout.String(), stderr.String())
			}
		})
	}
}

// TestCommandsStopOnSignal interrupts every long-running command once its
// own output shows the work started (a progress line, the server's
// address), and wants the signal's exit code (130 for SIGINT, 143 for
// SIGTERM; each command gets one of the two, both are covered), the
// command's own account of what it left, and the outputs it promises. A
// command that finished before the signal reached it would fail: each is
// given far more work than it can do before the signal comes. The
// watchdog only keeps a broken build from hanging the suite.
func TestCommandsStopOnSignal(t *testing.T) {
	self, err := filepath.Abs(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		args    []string // out is replaced with the test's directory
		sig     syscall.Signal
		started string // on stdout or stderr: the work is under way
		says    string // on stderr
		after   func(t *testing.T, out, stdout string)
	}{{
		name: "run", sig: syscall.SIGINT,
		args:    []string{"run", "gate/users-atomic.yaml", "--ops", "100000000", "--out", "out"},
		started: `\[1/1\] users-atomic: [0-9]+/100000000 ops`,
		says:    `users-atomic: interrupted by SIGINT, no verdict and no report; the history so far is in .*/history.jsonl \('d1check check' reads it\)`,
		after: func(t *testing.T, out, _ string) {
			noFile(t, filepath.Join(out, "index.html"))
			recheck(t, filepath.Join(out, "history.jsonl"))
		},
	}, {
		name: "gate", sig: syscall.SIGTERM,
		args:    []string{"gate", "gate/users-atomic.yaml", "gate/magic-codes-atomic.yaml", "--ops", "100000000", "--out", "out"},
		started: `\[1/2\] users-atomic: [0-9]+/100000000 ops`,
		says:    `users-atomic: interrupted by SIGTERM, no verdict and no report; the history so far is in .*users-atomic/history.jsonl`,
		after: func(t *testing.T, out, _ string) {
			noFile(t, filepath.Join(out, "index.html"))
			noFile(t, filepath.Join(out, "magic-codes-atomic"))
			recheck(t, filepath.Join(out, "users-atomic", "history.jsonl"))
		},
	}, {
		// The running window gets its final reads and is checked; the
		// report covers the windows recorded and says it was interrupted.
		name: "soak", sig: syscall.SIGINT,
		args:    []string{"soak", "soak/catalog-mix.yaml", "--duration", "1h", "--window", "1s", "--out", "out"},
		started: `soak: window 0 soak-catalog, [0-9]+ ops`,
		says:    `soak: interrupted by SIGINT, the verdict above covers only the [0-9]+ windows recorded`,
		after: func(t *testing.T, out, stdout string) {
			if !regexp.MustCompile(`(?m)^interrupted after .*\n(.*\n)*verdict: valid$`).MatchString(stdout) {
				t.Errorf("stdout does not report the windows recorded:\n%s", stdout)
			}
			if sum, err := os.ReadFile(filepath.Join(out, "summary.json")); err != nil || !strings.Contains(string(sum), "d1check soak (interrupted)") {
				t.Errorf("summary.json does not say the soak was interrupted (%v)", err)
			}
			recheck(t, filepath.Join(out, "history.jsonl"))
		},
	}, {
		name: "shrink", sig: syscall.SIGTERM,
		args:    []string{"shrink", "big.yaml", "--out", "out"},
		started: `shrink: run 1: [0-9]+/1000000 ops`,
		says:    `shrink: interrupted by SIGTERM, nothing written`,
		after: func(t *testing.T, out, _ string) {
			noFile(t, filepath.Join(out, "users-unconstrained-none-min.yaml"))
			noFile(t, filepath.Join(out, "smallest"))
		},
	}, {
		name: "selftest", sig: syscall.SIGINT,
		args:    []string{"selftest", "--workload", "users", "--seeds", "3", "--parallel", "1", "--out", "out"},
		started: `selftest: 1/[0-9]+ `,
		says:    `selftest: interrupted by SIGINT, no matrix and no report`,
		after:   func(t *testing.T, out, _ string) { noFile(t, out) },
	}, {
		name: "emulate", sig: syscall.SIGTERM,
		args:    []string{"emulate", "--listen", "127.0.0.1:0", "--trace", "trace.jsonl"},
		started: `serving a primary and [0-9]+ replicas on http://127.0.0.1:`,
		says:    `emulate: interrupted by SIGTERM, the server stopped; every query it answered is in trace.jsonl`,
		after: func(t *testing.T, out, _ string) {
			if _, err := os.Stat(filepath.Join(filepath.Dir(out), "trace.jsonl")); err != nil {
				t.Errorf("no trace: %v", err)
			}
		},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			exe := filepath.Join(dir, "d1check")
			if err := os.Symlink(self, exe); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "big.yaml"), []byte(bigScenario), 0o644); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(exe, tc.args...)
			cmd.Dir = dir
			started := newWatch(regexp.MustCompile(tc.started))
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = io.MultiWriter(&stdout, started), io.MultiWriter(&stderr, started)
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			watchdog := time.AfterFunc(time.Minute, func() { cmd.Process.Kill() })
			defer watchdog.Stop()
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			select {
			case <-started.seen:
			case err := <-exited:
				t.Fatalf("exited (%v) before it showed %q; stdout:\n%s\nstderr:\n%s", err, tc.started, stdout.String(), stderr.String())
			}
			if err := cmd.Process.Signal(tc.sig); err != nil {
				t.Fatal(err)
			}
			err := <-exited
			var ee *exec.ExitError
			if want := 128 + int(tc.sig); !errors.As(err, &ee) || ee.ExitCode() != want {
				t.Fatalf("exit %v, want code %d; stdout:\n%s\nstderr:\n%s", err, want, stdout.String(), stderr.String())
			}
			if !regexp.MustCompile(`(?m)^d1check: ` + tc.says).MatchString(stderr.String()) {
				t.Errorf("stderr does not say %q:\n%s", tc.says, stderr.String())
			}
			tc.after(t, filepath.Join(dir, "out"), stdout.String())
		})
	}
}

// bigScenario is a failing scenario (the guide's pattern) whose first run
// alone takes far longer than a signal takes to arrive.
const bigScenario = `name: users-unconstrained-none
workload: users
variants: [unconstrained]
bookmarks: none
ops: 1000000
`

// watch is an output that closes seen once what it was written matches re.
type watch struct {
	re   *regexp.Regexp
	mu   sync.Mutex
	buf  []byte
	done bool
	seen chan struct{}
}

func newWatch(re *regexp.Regexp) *watch { return &watch{re: re, seen: make(chan struct{})} }

func (w *watch) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.done {
		return len(p), nil
	}
	w.buf = append(w.buf, p...)
	if w.re.Match(w.buf) {
		w.done, w.buf = true, nil
		close(w.seen)
	}
	return len(p), nil
}

// recheck: the history an interrupted command left reads back whole (no
// line cut off) and checks valid, as 'd1check check' would.
func recheck(t *testing.T, path string) {
	t.Helper()
	var out bytes.Buffer
	if code := run([]string{"check", path}, &out, &out); code != 0 || strings.Contains(out.String(), "cut off") {
		t.Errorf("d1check check %s: exit %d\n%s", path, code, out.String())
	}
}

func noFile(t *testing.T, path string) {
	t.Helper()
	if _, err := os.Stat(path); err == nil {
		t.Errorf("%s was written", path)
	}
}

// TestSignalExit: once a signal ended the context, the exit code is the
// signal's whatever the command returned (nothing, a verdict, a failure
// of the work it cut short), and the command's own account is kept; with
// no signal, the command's error stands.
func TestSignalExit(t *testing.T) {
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(interrupted{syscall.SIGTERM})
	for _, tc := range []struct {
		err  error
		says string
	}{
		{nil, "interrupted by SIGTERM"},
		{verdictErr(checker.Invalid), "interrupted by SIGTERM"},
		{harnessErr(errors.New("target: context canceled")), "target: context canceled (interrupted by SIGTERM)"},
		{interruptedErr(ctx, "run", "no verdict"), "run: interrupted by SIGTERM, no verdict"},
	} {
		err := signalExit(ctx, tc.err)
		if codeOf(err) != 143 || err.Error() != tc.says {
			t.Errorf("signalExit(%v): exit %d, %q; want 143, %q", tc.err, codeOf(err), err, tc.says)
		}
	}
	plain, cancelPlain := context.WithCancel(context.Background())
	cancelPlain()
	if err := signalExit(plain, harnessErr(errors.New("x"))); codeOf(err) != exitHarness {
		t.Errorf("no signal: exit %d, want the command's %d", codeOf(err), exitHarness)
	}
}
