package workerd

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// EnvBinary names the environment variable that may give the workerd
// binary's path.
const EnvBinary = "D1CHECK_WORKERD"

// Version is the workerd release d1check is tested with: the one the
// pinned wrangler depends on (npm package workerd), which
// scripts/install-node.sh installs into .tools/.
const Version = "1.20261117.1"

// ErrNotFound is wrapped by Find's error when no binary was found.
var ErrNotFound = errors.New("workerd binary not found")

// Find resolves the workerd binary: the explicit path (--workerd) when not
// empty, else $D1CHECK_WORKERD, else .tools/bin/workerd in the current
// directory or one of its parents (where scripts/install-node.sh puts it),
// else the one wrangler installed under worker/node_modules, else workerd
// on PATH. A path that was given but is not an executable file is an
// error naming where it came from; finding none says how to install one.
func Find(explicit string) (string, error) {
	if explicit != "" {
		return checkBinary(explicit, "--workerd")
	}
	if p := os.Getenv(EnvBinary); p != "" {
		return checkBinary(p, "$"+EnvBinary)
	}
	if dir, err := os.Getwd(); err == nil {
		for {
			for _, rel := range []string{".tools/bin/workerd", "worker/node_modules/@cloudflare/workerd-linux-64/bin/workerd"} {
				if p := filepath.Join(dir, rel); isExecutable(p) {
					return p, nil
				}
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				break
			}
			dir = parent
		}
	}
	if p, err := exec.LookPath("workerd"); err == nil {
		return p, nil
	}
	return "", fmt.Errorf("%w: run scripts/install-node.sh (it installs workerd %s into .tools/bin), or give its path with --workerd PATH or $%s", ErrNotFound, Version, EnvBinary)
}

func checkBinary(p, source string) (string, error) {
	if !isExecutable(p) {
		return "", fmt.Errorf("%w: %s says %q, which is not an executable file", ErrNotFound, source, p)
	}
	return p, nil
}

func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0
}
