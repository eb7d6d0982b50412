package app

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// bundleTimeout bounds wrangler's bundling.
const bundleTimeout = 3 * time.Minute

// Bundle runs the project's wrangler (`wrangler deploy --dry-run --outdir
// OUT`), which builds exactly what `wrangler deploy` would upload, and
// returns the main module's path relative to out. A project that does not
// bundle is a ConfigError carrying wrangler's own message.
func (p *Project) Bundle(ctx context.Context, out string) (main string, err error) {
	ctx, cancel := context.WithTimeout(ctx, bundleTimeout)
	defer cancel()
	cli := filepath.Join(p.wrangler, "bin", "wrangler.js")
	cmd := exec.CommandContext(ctx, p.node, cli, "deploy", "--dry-run", "--outdir", out, "--config", p.ConfigPath)
	cmd.Dir = p.Dir
	cmd.Env = wranglerEnv()
	var output bytes.Buffer
	cmd.Stdout, cmd.Stderr = &output, &output
	if err := cmd.Run(); err != nil {
		return "", configErr("%s: wrangler could not bundle the Worker (%v):\n%s", p.ConfigPath, err, wranglerError(output.String()))
	}
	base := strings.TrimSuffix(filepath.Base(p.Main), filepath.Ext(p.Main))
	for _, name := range []string{base + ".js", base + ".mjs", "index.js"} {
		if isFile(filepath.Join(out, name)) {
			return name, nil
		}
	}
	entries, _ := os.ReadDir(out)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return "", fmt.Errorf("app: wrangler bundled %s but its output %s has no %s.js (it has %s)", p.Main, out, base, strings.Join(names, ", "))
}

// wranglerError keeps wrangler's error lines, without its banner and
// telemetry notice.
func wranglerError(s string) string {
	var keep []string
	for _, l := range strings.Split(s, "\n") {
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "⛅️") || strings.Trim(t, "─") == "" || strings.Contains(t, "telemetry") {
			continue
		}
		keep = append(keep, l)
	}
	return strings.Join(keep, "\n")
}
