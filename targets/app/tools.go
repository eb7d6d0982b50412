package app

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// Environment variables that may name the tools.
const (
	EnvNode     = "D1CHECK_NODE"     // the node executable
	EnvWrangler = "D1CHECK_WRANGLER" // a wrangler package directory (…/node_modules/wrangler)
)

// Tools says where node and wrangler are; empty fields are looked up.
type Tools struct {
	Node     string
	Wrangler string
}

// find resolves node and wrangler for the project in dir. Wrangler: the
// explicit one, $D1CHECK_WRANGLER, the project's own node_modules, else
// the one d1check's repository pins (worker/node_modules, found from the
// current directory up). Node: the explicit one, $D1CHECK_NODE,
// .tools/bin/node (scripts/install-node.sh), else node on PATH.
func (t Tools) find(dir string) (node, wrangler string, err error) {
	wrangler = firstNonEmpty(t.Wrangler, os.Getenv(EnvWrangler))
	if wrangler == "" {
		if p := filepath.Join(dir, "node_modules", "wrangler"); isFile(filepath.Join(p, "package.json")) {
			wrangler = p
		} else {
			wrangler = upward("worker/node_modules/wrangler/package.json")
			if wrangler != "" {
				wrangler = filepath.Dir(wrangler)
			}
		}
	}
	if wrangler == "" || !isFile(filepath.Join(wrangler, "package.json")) {
		return "", "", configErr("target.dir %s: no wrangler: run `npm install` in the project (wrangler in its devDependencies), or scripts/install-node.sh in d1check's repository, or set $%s", dir, EnvWrangler)
	}
	node = firstNonEmpty(t.Node, os.Getenv(EnvNode), upward(".tools/bin/node"))
	if node == "" {
		if p, err := exec.LookPath("node"); err == nil {
			node = p
		}
	}
	if node == "" {
		return "", "", configErr("no node executable: install Node 22 (scripts/install-node.sh does) or set $%s", EnvNode)
	}
	return node, wrangler, nil
}

// upward finds rel in the current directory or one of its parents.
func upward(rel string) string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		if p := filepath.Join(dir, rel); isFile(p) {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

func isFile(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir()
}

func firstNonEmpty(xs ...string) string {
	for _, x := range xs {
		if x != "" {
			return x
		}
	}
	return ""
}

// String describes the tools, for logs.
func (p *Project) String() string {
	return fmt.Sprintf("%s (node %s, wrangler %s)", p.ConfigPath, p.node, p.wrangler)
}
