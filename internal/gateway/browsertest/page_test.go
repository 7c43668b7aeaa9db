package browsertest

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// actionTimeout bounds every single browser action: a navigation, a query,
// an evaluation.
const actionTimeout = 15 * time.Second

// page is one browser tab of a test, pointed at one gateway. It records
// what goes wrong in the tab (console errors, uncaught exceptions, failed
// requests, requests that leave 127.0.0.1) and a screenshot of every page
// it leaves, written out when the test fails.
type page struct {
	t    *testing.T
	ctx  context.Context // the tab's context
	base *url.URL        // the gateway

	mu       sync.Mutex
	problems []string
	urls     map[network.RequestID]string // request URLs, to name failed loads
	expected map[string]bool              // URLs allowed to answer with an error

	shots   []shot
	current string // the path of the page shown, "" before the first
}

// shot is a screenshot of one visited page.
type shot struct {
	path string
	png  []byte
}

// newPage opens a tab in the shared browser, pointed at the gateway at
// base, signed in with the tests' API token when the gateway requires it.
// The tab closes, and the screenshots are written on failure, when the
// test ends.
func newPage(t *testing.T, base string) *page {
	t.Helper()
	p := newSignedOutPage(t, base)
	if tok := sessionToken(t, base); tok != "" {
		p.signIn(tok)
	}
	return p
}

// newSignedOutPage opens a tab as newPage does, without signing in.
func newSignedOutPage(t *testing.T, base string) *page {
	t.Helper()
	b := browser(t)
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	if h := u.Hostname(); h != "127.0.0.1" {
		t.Fatalf("gateway at %s: the browser tests reach 127.0.0.1 only", base)
	}
	ctx, cancel := chromedp.NewContext(b)
	p := &page{t: t, ctx: ctx, base: u, urls: map[network.RequestID]string{}, expected: map[string]bool{}}
	t.Cleanup(cancel)
	// The tab lives as long as the context of its first action, so that
	// action gets the tab's own context and the wait is bounded here.
	if err := waitFor(actionTimeout, cancel, func() error { return chromedp.Do(ctx) }); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	if err := chromedp.Listen(ctx, p.observe); err != nil {
		t.Fatalf("listen to the tab: %v", err)
	}
	// The layout declares no icon, so chromium asks for /favicon.ico on
	// its own; that 404 is no asset of the page.
	p.expect("/favicon.ico")
	t.Cleanup(p.finish) // runs before cancel: the tab is still open
	return p
}

// within runs f with a context that ends after actionTimeout. The tab
// lives on: its first action, which would tie it to the context, already
// ran in newPage.
func (p *page) within(f func(ctx context.Context) error) error {
	ctx, cancel := context.WithTimeout(p.ctx, actionTimeout)
	defer cancel()
	return f(ctx)
}

// waitFor runs f and waits at most d for it, calling stop and giving up
// when it takes longer.
func waitFor(d time.Duration, stop func(), f func() error) error {
	done := make(chan error, 1)
	go func() { done <- f() }()
	select {
	case err := <-done:
		return err
	case <-time.After(d):
		stop()
		return fmt.Errorf("no answer after %s", d)
	}
}

// run runs one action on p's tab, failing the test on error.
func run[T any](p *page, what string, a chromedp.Action[T]) T {
	p.t.Helper()
	var v T
	err := p.within(func(ctx context.Context) (err error) {
		v, err = chromedp.Run(ctx, a)
		return err
	})
	if err != nil {
		p.t.Fatalf("%s on %s: %v", what, p.current, err)
	}
	return v
}

// eval evaluates a JavaScript expression on the page shown.
func eval[T any](p *page, expr string) T {
	p.t.Helper()
	return run(p, "evaluate "+expr, chromedp.Evaluate[T](expr))
}

// open loads path (with its query) from the gateway, waits for it to load
// and checks that nothing went wrong on the way.
func (p *page) open(path string) {
	p.t.Helper()
	p.capture()
	p.current = path
	u := p.base.ResolveReference(&url.URL{Path: path})
	if i := strings.IndexByte(path, '?'); i >= 0 {
		u = p.base.ResolveReference(&url.URL{Path: path[:i], RawQuery: path[i+1:]})
	}
	resp := run(p, "load", chromedp.NavigateResponse(u.String()))
	if resp == nil || resp.Status != 200 {
		status := int64(0)
		if resp != nil {
			status = resp.Status
		}
		p.t.Fatalf("GET %s: status %d, want 200", path, status)
	}
	run(p, "wait for main", chromedp.WaitReady(chromedp.CSS("main#main")))
	p.assertClean()
}

// arrived records that the tab shows, or is about to show, path through
// the page's own navigation (a link, a form, a reload) rather than open.
// Call it before the action that navigates, so the screenshot of the page
// left is taken while it is still there.
func (p *page) arrived(path string) {
	p.capture()
	p.current = path
}

// text is the rendered text of the first element matching the CSS
// selector, trimmed.
func (p *page) text(sel string) string {
	p.t.Helper()
	return strings.TrimSpace(run(p, "text of "+sel, chromedp.Text(chromedp.CSS(sel))))
}

// title is the document's title.
func (p *page) title() string {
	p.t.Helper()
	return run(p, "title", chromedp.Title())
}

// expectTitle checks the document title and the page's one h1.
func (p *page) expectTitle(title, heading string) {
	p.t.Helper()
	if got := p.title(); got != title {
		p.t.Errorf("%s: title %q, want %q", p.current, got, title)
	}
	if n := eval[int](p, `document.querySelectorAll("h1").length`); n != 1 {
		p.t.Errorf("%s: %d h1 headings, want 1", p.current, n)
	}
	if got := p.text("h1"); !strings.HasPrefix(got, heading) {
		p.t.Errorf("%s: heading %q, want it to start with %q", p.current, got, heading)
	}
}

// expectText checks that the main content shows every one of the texts.
func (p *page) expectText(texts ...string) {
	p.t.Helper()
	body := p.text("main")
	for _, s := range texts {
		if !strings.Contains(body, s) {
			p.t.Errorf("%s: the page does not show %q; it shows:\n%s", p.current, s, body)
		}
	}
}

// observe is the tab's event listener. It runs on the goroutine that reads
// the browser's messages, so it only records.
func (p *page) observe(ev any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch e := ev.(type) {
	case *runtime.EventExceptionThrown:
		d := e.ExceptionDetails
		msg := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			msg += " " + d.Exception.Description
		}
		p.problems = append(p.problems, fmt.Sprintf("uncaught exception at %s:%d: %s", d.URL, d.LineNumber+1, msg))
	case *runtime.EventConsoleAPICalled:
		if e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeAssert {
			p.problems = append(p.problems, "console."+string(e.Type)+": "+consoleArgs(e.Args))
		}
	case *log.EventEntryAdded:
		if e.Entry.Level == log.EntryLevelError && !p.expected[e.Entry.URL] {
			p.problems = append(p.problems, fmt.Sprintf("browser error (%s): %s %s", e.Entry.Source, e.Entry.Text, e.Entry.URL))
		}
	case *network.EventRequestWillBeSent:
		u := e.Request.URL
		p.urls[e.RequestID] = u
		if !local(u) {
			p.problems = append(p.problems, "request leaves 127.0.0.1: "+u)
		}
	case *network.EventResponseReceived:
		if r := e.Response; r.Status >= 400 && !p.expected[r.URL] {
			p.problems = append(p.problems, fmt.Sprintf("%s %s: status %d", e.Type, r.URL, r.Status))
		}
	case *network.EventLoadingFailed:
		// A load cancelled by leaving the page (the live updates' event
		// stream when the page reloads) is not a failure.
		if !e.Canceled && !p.expected[p.urls[e.RequestID]] {
			p.problems = append(p.problems, fmt.Sprintf("%s %s failed: %s", e.Type, p.urls[e.RequestID], e.ErrorText))
		}
	}
}

// expect allows the gateway URL path to answer with an error status.
func (p *page) expect(path string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.expected[p.base.ResolveReference(&url.URL{Path: path}).String()] = true
}

// local reports whether a URL the page requests stays on the machine.
func local(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	switch u.Scheme {
	case "data", "blob", "about":
		return true
	case "http", "https":
		return u.Hostname() == "127.0.0.1"
	}
	return false
}

func consoleArgs(args []*runtime.RemoteObject) string {
	parts := make([]string, 0, len(args))
	for _, a := range args {
		switch {
		case a.Description != "":
			parts = append(parts, a.Description)
		case len(a.Value) > 0:
			parts = append(parts, string(a.Value))
		default:
			parts = append(parts, string(a.Type))
		}
	}
	return strings.Join(parts, " ")
}

// assertClean fails the test with every problem recorded so far.
func (p *page) assertClean() {
	p.t.Helper()
	p.mu.Lock()
	problems := p.problems
	p.problems = nil
	p.mu.Unlock()
	for _, s := range problems {
		p.t.Errorf("%s: %s", p.current, s)
	}
}

// capture keeps a screenshot of the page shown, if any.
func (p *page) capture() {
	if p.current == "" {
		return
	}
	var png []byte
	err := p.within(func(ctx context.Context) (err error) {
		png, err = chromedp.Run(ctx, chromedp.FullScreenshot(100))
		return err
	})
	if err != nil {
		p.t.Logf("screenshot of %s: %v", p.current, err)
		return
	}
	p.shots = append(p.shots, shot{p.current, png})
}

// finish checks the last page and, when the test failed, writes the
// screenshots of every page visited.
func (p *page) finish() {
	p.assertClean()
	if !p.t.Failed() && os.Getenv("OPENSKY_BROWSERTEST_SCREENSHOTS") == "" {
		return
	}
	p.capture()
	p.current = ""
	if len(p.shots) == 0 {
		return
	}
	dir, err := screenshotDir()
	if err != nil {
		p.t.Logf("screenshots not saved: %v", err)
		return
	}
	prefix := unsafeName.ReplaceAllString(p.t.Name(), "_")
	for i, s := range p.shots {
		slug := unsafeName.ReplaceAllString(strings.Trim(s.path, "/"), "_")
		if slug == "" {
			slug = "index"
		}
		name := fmt.Sprintf("%s-%02d-%s.png", prefix, i+1, slug)
		if err := os.WriteFile(filepath.Join(dir, name), s.png, 0o644); err != nil {
			p.t.Logf("screenshot of %s: %v", s.path, err)
		}
	}
	p.t.Logf("screenshots of the %d pages visited: %s", len(p.shots), dir)
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// screenshots is the directory of this run's screenshots, made on first
// use under $TMPDIR and kept after the tests.
var screenshots struct {
	once sync.Once
	dir  string
	err  error
}

func screenshotDir() (string, error) {
	screenshots.once.Do(func() {
		screenshots.dir, screenshots.err = os.MkdirTemp("", "opensky-browsertest-")
	})
	return screenshots.dir, screenshots.err
}

// waitUntil polls the JavaScript expression on the tab until it is true,
// for at most timeout. The page may reload meanwhile (a job's page does at
// every change): an evaluation that fails on the way is tried again.
func (p *page) waitUntil(what, expr string, timeout time.Duration) {
	p.t.Helper()
	deadline := time.Now().Add(timeout)
	var lastErr error
	for time.Now().Before(deadline) {
		var ok bool
		err := p.within(func(ctx context.Context) (err error) {
			ok, err = chromedp.Run(ctx, chromedp.Evaluate[bool](expr))
			return err
		})
		if err == nil && ok {
			return
		}
		lastErr = err
		time.Sleep(100 * time.Millisecond)
	}
	p.t.Fatalf("%s: %s not reached after %s (last error: %v)", p.current, what, timeout, lastErr)
}
