package main

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// accept makes the flag name of cmd refuse, as it is parsed, a value that
// does not parse or for which ok(*v) is false (v is the variable the flag
// was registered with). The refusal is cobra's flag error, so it exits
// 254 before the command runs; pflag's message names the flag and the
// value, and want completes it with what the flag accepts ("want a
// positive duration, ..."). Checking at parse time means no command can
// start work on a value that makes no sense, and no command keeps its own
// copy of the checks.
func accept[T any](cmd *cobra.Command, name string, v *T, ok func(T) bool, want string) {
	f := cmd.Flags().Lookup(name)
	if f == nil {
		panic("accept: no flag --" + name) // a wiring mistake, caught by every test
	}
	f.Value = &checkedValue{Value: f.Value, ok: func() bool { return ok(*v) }, want: want}
}

// checkedValue is a flag value checked after each Set.
type checkedValue struct {
	pflag.Value
	ok   func() bool
	want string
}

func (c *checkedValue) Set(s string) error {
	if err := c.Value.Set(s); err != nil {
		return fmt.Errorf("want %s (%v)", c.want, err)
	}
	if !c.ok() {
		return errors.New("want " + c.want)
	}
	return nil
}

// The checks the flags share.

func nonNegative[T int | int64 | time.Duration](v T) bool { return v >= 0 }
func positive[T int | int64 | time.Duration](v T) bool    { return v > 0 }

// hostPort is ok for an address to listen on: a host (or none) and a
// port number.
func hostPort(addr string) bool {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	_, err = strconv.ParseUint(port, 10, 16)
	return err == nil
}

// inDirectory is ok for a file to write later, when it would be too late
// to say its directory does not exist.
func inDirectory(path string) bool {
	fi, err := os.Stat(filepath.Dir(path))
	return err == nil && fi.IsDir()
}

// allIn is ok for a list flag whose every element is one of known.
func allIn[T ~string](known []T) func([]string) bool {
	return func(vs []string) bool {
		for _, v := range vs {
			if !slices.Contains(known, T(v)) {
				return false
			}
		}
		return true
	}
}

// oneOf says what a list flag accepts: "want one or more of a, b, c".
func oneOf[T ~string](known []T) string {
	s := make([]string, len(known))
	for i, k := range known {
		s[i] = string(k)
	}
	return "one or more of " + strings.Join(s, ", ")
}

// checkTimeoutFlag registers --check-timeout, which every command that
// checks a history has: 0 is no limit, so a negative bound, which would
// be read as none, is refused rather than meaning the opposite of what
// someone typing it meant.
func checkTimeoutFlag(cmd *cobra.Command, v *time.Duration, usage string) {
	cmd.Flags().DurationVar(v, "check-timeout", 2*time.Minute, usage)
	accept(cmd, "check-timeout", v, nonNegative, "a positive duration such as 30s, or 0 for no limit")
}
