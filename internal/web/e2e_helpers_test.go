package web_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"image/png"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/cqcmine/cqcmine/index"
	"github.com/cqcmine/cqcmine/internal/testindex"
	"github.com/cqcmine/cqcmine/internal/web"
)

// updateShots makes the browser tests save a screenshot of each page they
// visit to docs/screenshots (go test ./internal/web -run E2E -update).
var updateShots = flag.Bool("update", false, "save the browser tests' screenshots to docs/screenshots")

// screenshotDir is where -update writes screenshots, relative to this
// package's directory.
const screenshotDir = "../../docs/screenshots"

// Screenshots are this wide, in CSS pixels (device scale 1).
const (
	viewWidth  = 1280
	viewHeight = 900
)

// stepTimeout bounds one browser step (a navigation, a click, a query), so
// that a hang fails the test instead of blocking it.
const stepTimeout = 10 * time.Second

// demoIndex builds an index of the embedded demo corpus in a temporary
// directory, through the same pipeline and update path as cqcmine index,
// and returns it with the hook that opens a document's original file.
func demoIndex(tb testing.TB) (*index.Index, func(path string) (fs.File, error)) {
	tb.Helper()
	ix, open, err := testindex.Demo(context.Background(), tb.TempDir())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { ix.Close() })
	return ix, open
}

// demoServer serves the UI over the demo index.
func demoServer(tb testing.TB) *httptest.Server {
	tb.Helper()
	ix, open := demoIndex(tb)
	h, err := web.New(ix, web.Options{Open: open})
	if err != nil {
		tb.Fatal(err)
	}
	srv := httptest.NewServer(h)
	tb.Cleanup(srv.Close)
	return srv
}

// findBrowser returns the path of Chromium or Chrome. Without one the test
// is skipped, unless it runs in CI (CI set), where it fails.
func findBrowser(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "" {
		t.Skip("no chromium, chromium-browser or google-chrome on PATH (apt-get install chromium)")
	}
	t.Fatal("CI is set but there is no chromium, chromium-browser or google-chrome on PATH")
	return ""
}

// startBrowser starts one headless browser for the whole test, in the
// background, and returns its context and a func that waits until it is up.
// Each subtest opens its own tab with newTab. The browser stops when the
// test ends.
func startBrowser(t *testing.T) (context.Context, func()) {
	t.Helper()
	exe := findBrowser(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(viewWidth, viewHeight),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc()
	})
	// The first Run starts the browser, and its context must not carry a
	// deadline (that would stop the browser later), so a timer cancels a
	// start that hangs.
	const startTimeout = 30 * time.Second
	hung := time.AfterFunc(startTimeout, cancelBrowser)
	done := make(chan error, 1)
	go func() { done <- chromedp.Do(bctx, chromedp.Navigate("about:blank")) }()
	wait := func() {
		t.Helper()
		err := <-done
		if !hung.Stop() {
			t.Fatalf("start %s: no answer within %s (%v)", exe, startTimeout, err)
		}
		if err != nil {
			t.Fatalf("start %s: %v", exe, err)
		}
	}
	return bctx, wait
}

// tab is one browser tab on the test server.
type tab struct {
	t   *testing.T
	ctx context.Context
	srv *httptest.Server
}

// newTab opens a tab in the browser of bctx, closed when t ends.
func newTab(t *testing.T, bctx context.Context, srv *httptest.Server) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(bctx)
	t.Cleanup(cancel)
	// As for the browser, the first Run opens the tab and binds it to its
	// context, so that context carries no deadline; later steps do.
	hung := time.AfterFunc(stepTimeout, cancel)
	err := chromedp.Do(ctx, chromedp.Steps(
		chromedp.EmulateViewport(viewWidth, viewHeight),
		reducedMotion(),
	))
	if !hung.Stop() {
		t.Fatalf("open a tab: no answer within %s (%v)", stepTimeout, err)
	}
	if err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	return &tab{t: t, ctx: ctx, srv: srv}
}

// reducedMotion asks the tab's pages for no animation: the stylesheet
// scrolls smoothly to a fragment otherwise, and a click aimed while the page
// still moves can land beside its target.
func reducedMotion() chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-reduced-motion", Value: "reduce"}},
		})
		return err
	})
}

// step runs an action under stepTimeout and fails the test on error.
func step[T any](tb *tab, what string, a chromedp.Action[T]) T {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			tb.t.Fatalf("%s: no answer within %s (at %s)", what, stepTimeout, tb.location())
		}
		tb.t.Fatalf("%s: %v", what, err)
	}
	return v
}

// do runs actions that return nothing, in order.
func (tb *tab) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	step(tb, what, chromedp.Steps(steps...))
}

// location is the tab's URL, or a note that it could not be read.
func (tb *tab) location() string {
	ctx, cancel := context.WithTimeout(tb.ctx, time.Second)
	defer cancel()
	u, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return "unknown page"
	}
	return u
}

// open loads path from the test server and wants status 200.
func (tb *tab) open(path string) {
	tb.t.Helper()
	resp := step(tb, "open "+path, chromedp.NavigateResponse(tb.srv.URL+path))
	if resp.Status != http.StatusOK {
		tb.t.Fatalf("open %s: status %d", path, resp.Status)
	}
}

// follow runs the steps (a click, keys), waits for the page they lead to
// and wants status 200.
func (tb *tab) follow(what string, steps ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, steps...)
	if err != nil {
		tb.t.Fatalf("%s: %v (at %s)", what, err, tb.location())
	}
	if resp.Status != http.StatusOK {
		tb.t.Fatalf("%s: %s answered %d", what, resp.URL, resp.Status)
	}
}

// eval evaluates a JavaScript expression in the page and decodes its
// value into T.
func eval[T any](tb *tab, js string) T {
	tb.t.Helper()
	return step(tb, "evaluate "+firstLine(js), chromedp.Evaluate[T](js))
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i] + " …"
	}
	return s
}

// screenshot saves the viewport as docs/screenshots/name.png when the
// test runs with -update.
func (tb *tab) screenshot(name string) {
	tb.t.Helper()
	if !*updateShots {
		return
	}
	// Settle layout and fonts before the capture.
	step(tb, "fonts", chromedp.Evaluate[chromedp.Void](`document.fonts.ready.then(() => true)`, chromedp.EvalAwaitPromise))
	b := step(tb, "screenshot "+name, chromedp.CaptureScreenshot())
	cfg, err := png.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		tb.t.Fatalf("screenshot %s: %v", name, err)
	}
	if cfg.Width != viewWidth {
		tb.t.Fatalf("screenshot %s: %d pixels wide, want %d", name, cfg.Width, viewWidth)
	}
	if err := os.MkdirAll(screenshotDir, 0o755); err != nil {
		tb.t.Fatal(err)
	}
	p := filepath.Join(screenshotDir, name+".png")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		tb.t.Fatal(err)
	}
	tb.t.Logf("wrote %s (%dx%d)", p, cfg.Width, cfg.Height)
}

// benchIndex, when set, makes BenchmarkSearchPageLatency read an existing
// index instead of building one of the demo corpus.
var benchIndex = flag.String("bench.index", "", "benchmark the search page on the index in `DIR` (default: the demo corpus)")

// searchMix is the benchmark's round of searches: plain words, a phrase, OR,
// facets, sorting, a second page and the empty search (every finding).
var searchMix = []string{
	"/",
	"/?q=ligature",
	"/?q=staffing&kind=must-do",
	"/?q=%22warning+notice%22",
	"/?q=seclusion+OR+restraint",
	"/?kind=rating&domain=well-led&rating=inadequate",
	"/?q=safe&kind=rating&sort=date",
	"/?q=trust&page=2",
	"/?scope=all&q=medicines",
	"/?kind=quote&speaker=patient",
}

// BenchmarkSearchPageLatency renders the search page for a round of
// searches and reports the server-side time per page at the 50th and 99th
// percentile. With -bench.index DIR it runs on that index:
//
//	go test ./internal/web -run '^$' -bench SearchPageLatency -benchtime 2000x
//	go test ./internal/web -run '^$' -bench SearchPageLatency -bench.index ~/.local/share/cqcmine/index
func BenchmarkSearchPageLatency(b *testing.B) {
	var ix *index.Index
	if *benchIndex != "" {
		var err error
		if ix, err = index.Open(*benchIndex); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { ix.Close() })
	} else {
		ix, _ = demoIndex(b)
	}
	h, err := web.New(ix, web.Options{})
	if err != nil {
		b.Fatal(err)
	}
	var took []time.Duration
	i := 0
	cpu0 := cpuTime()
	for b.Loop() {
		path := searchMix[i%len(searchMix)]
		i++
		req := httptest.NewRequest(http.MethodGet, path, nil)
		w := httptest.NewRecorder()
		start := time.Now()
		h.ServeHTTP(w, req)
		took = append(took, time.Since(start))
		if w.Code != http.StatusOK {
			b.Fatalf("GET %s: status %d", path, w.Code)
		}
	}
	cpu := cpuTime() - cpu0
	slices.Sort(took)
	at := func(p float64) float64 {
		return float64(took[int(p*float64(len(took)-1))]) / float64(time.Millisecond)
	}
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
	// The process's CPU time per page, garbage collection included.
	b.ReportMetric(float64(cpu)/float64(len(took))/float64(time.Millisecond), "cpu-ms/op")
}

// cpuTime is the user and system time the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
