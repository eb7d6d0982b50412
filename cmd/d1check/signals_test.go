package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
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
