package reports

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// chromiumPath is Debian's chromium, installed by scripts/install-chromium.sh.
const chromiumPath = "/usr/bin/chromium"

// TestHTMLRendersInChromium opens a generated index.html from disk in
// headless Chromium and asserts what a person would check: the verdict
// and the checks table are on the page, at least one chart is drawn with a
// non-zero size, nothing was fetched from the network, and the page logged
// no console error and threw no exception. It saves a screenshot (to
// $D1CHECK_SCREENSHOT as well, when set, for a person to look at).
// D1CHECK_SKIP_BROWSER=1 skips it, as it skips installing Chromium in
// scripts/test.sh.
func TestHTMLRendersInChromium(t *testing.T) {
	if os.Getenv("D1CHECK_SKIP_BROWSER") != "" {
		t.Skip("D1CHECK_SKIP_BROWSER is set")
	}
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("%s is absent: run scripts/install-chromium.sh to enable the browser test", chromiumPath)
	}
	dir := t.TempDir()
	r := sampleReport(t)
	if err := WriteAll(dir, r); err != nil {
		t.Fatal(err)
	}
	url := "file://" + filepath.Join(dir, FileHTML)

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.NoFirstRun,
		chromedp.UserDataDir(filepath.Join(dir, "chromium-profile")),
		chromedp.WindowSize(1280, 1000),
	}
	// The timeout bounds a hung browser; it asserts nothing about speed.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()

	// The listener runs on chromedp's reader goroutine, owned by the tab's
	// context; it only appends under the mutex.
	var mu sync.Mutex
	var problems []string
	listener := func(ev any) {
		var p string
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if ev.Type == "error" || ev.Type == "assert" {
				var args []string
				for _, a := range ev.Args {
					args = append(args, strings.TrimSpace(string(a.Value)+" "+a.Description))
				}
				p = "console." + string(ev.Type) + ": " + strings.Join(args, " ")
			}
		case *runtime.EventExceptionThrown:
			p = "exception: " + ev.ExceptionDetails.Text + " " + exceptionDesc(ev.ExceptionDetails)
		case *log.EventEntryAdded:
			if ev.Entry.Level == log.EntryLevelError {
				p = "log error: " + ev.Entry.Text + " " + ev.Entry.URL
			}
		case *network.EventRequestWillBeSent:
			if u := ev.Request.URL; !strings.HasPrefix(u, "file://") && !strings.HasPrefix(u, "data:") && !strings.HasPrefix(u, "about:") {
				p = "network request: " + u
			}
		}
		if p != "" {
			mu.Lock()
			problems = append(problems, p)
			mu.Unlock()
		}
	}
	bctx, cancelBrowser := chromedp.NewContext(actx, chromedp.WithListener(listener))
	defer cancelBrowser()

	run := func(what string, a chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(bctx, a); err != nil {
			t.Fatalf("chromium: %s: %v", what, err)
		}
	}
	eval := func(expr string) float64 {
		t.Helper()
		v, err := chromedp.Run(bctx, chromedp.Evaluate[float64](expr, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("chromium: evaluate %s: %v", expr, err)
		}
		return v
	}
	run("navigate", chromedp.Navigate(url))
	run("wait for the verdict", chromedp.WaitReady(chromedp.CSS("#verdict")))
	verdict, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS("#verdict .big")))
	if err != nil {
		t.Fatalf("chromium: verdict text: %v", err)
	}
	rows := int(eval(`document.querySelectorAll("table.checks-table tbody tr").length`))
	charts := int(eval(`[...document.querySelectorAll("svg.chart")].filter(s => { const r = s.getBoundingClientRect(); return r.width > 0 && r.height > 0 }).length`))
	chartW := eval(`document.querySelector("figure.latency svg").getBoundingClientRect().width`)
	chartH := eval(`document.querySelector("figure.latency svg").getBoundingClientRect().height`)
	// Opening a porcupine visualization must create its iframe. Its
	// drawing is porcupine's own and can be slow, so it is not awaited.
	vizPayloads := int(eval(`document.querySelectorAll("details.viz textarea.viz-doc").length`))
	eval(`const d = document.querySelector("details.viz"); if (d) d.open = true; 1`)
	eval(`new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(1))))`)
	vizFrames := int(eval(`document.querySelectorAll("details.viz iframe.viz").length`))
	png, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("chromium: screenshot: %v", err)
	}
	shot := filepath.Join(t.TempDir(), "report.png")
	if err := os.WriteFile(shot, png, 0o644); err != nil {
		t.Fatal(err)
	}
	if p := os.Getenv("D1CHECK_SCREENSHOT"); p != "" {
		if err := os.WriteFile(p, png, 0o644); err != nil {
			t.Fatalf("D1CHECK_SCREENSHOT: %v", err)
		}
		t.Logf("screenshot written to %s", p)
	}

	if want := strings.ToUpper(string(r.Verdict())); strings.TrimSpace(verdict) != want {
		t.Errorf("verdict on the page %q, want %q", verdict, want)
	}
	if rows < 1+3*len(r.Runs) { // overview rows + a row per check per run
		t.Errorf("checks tables have %d rows, want at least %d", rows, 1+3*len(r.Runs))
	}
	if charts < 1 || chartW <= 0 || chartH <= 0 {
		t.Errorf("%d charts rendered with a size; the latency chart is %gx%g", charts, chartW, chartH)
	}
	if vizPayloads == 0 || vizFrames != 1 {
		t.Errorf("porcupine: %d visualizations embedded, %d iframes after opening one; want >0 and 1", vizPayloads, vizFrames)
	}
	if len(png) == 0 {
		t.Error("empty screenshot")
	}
	mu.Lock()
	defer mu.Unlock()
	for _, p := range problems {
		t.Errorf("browser: %s", p)
	}
}

func exceptionDesc(d *runtime.ExceptionDetails) string {
	if d.Exception != nil {
		return d.Exception.Description
	}
	return ""
}
