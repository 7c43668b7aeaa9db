package browsertest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// browserStartTimeout bounds chromium's start.
const browserStartTimeout = 30 * time.Second

// chromiumPaths are where the browser is looked for, after OPENSKY_CHROMIUM.
var chromiumPaths = []string{"chromium", "chromium-browser", "/usr/bin/chromium"}

// findChromium returns the path of the browser, or "" when there is none.
func findChromium() string {
	if p := os.Getenv("OPENSKY_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range chromiumPaths {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// shared is the one browser of the package's tests; each test opens its
// own tab in it. It is started by the first test that needs it and stopped
// by TestMain.
var shared struct {
	once    sync.Once
	ctx     context.Context // the browser's context: a child is a new tab
	stop    func()
	dataDir string
	err     error
}

func TestMain(m *testing.M) {
	code := m.Run()
	stopBrowser()
	stopNetworks()
	os.Exit(code)
}

// browser returns the context of the shared browser, starting it on first
// use. It skips the test when no chromium is installed, unless CI is set.
func browser(t *testing.T) context.Context {
	t.Helper()
	path := findChromium()
	if path == "" {
		if os.Getenv("CI") == "" {
			t.Skip("browser tests skipped: chromium not found (apt-get install chromium, or set OPENSKY_CHROMIUM); under CI=true this is a failure")
		}
		t.Fatal("chromium not found (looked at $OPENSKY_CHROMIUM and for chromium, chromium-browser, /usr/bin/chromium) and CI is set: install it with apt-get install chromium")
	}
	shared.once.Do(func() { shared.err = startBrowser(path) })
	if shared.err != nil {
		t.Fatalf("start chromium %s: %v", path, shared.err)
	}
	return shared.ctx
}

func startBrowser(path string) error {
	dir, err := os.MkdirTemp("", "opensky-chromium-")
	if err != nil {
		return err
	}
	shared.dataDir = dir
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox, // the tests run as root in containers
		chromedp.DisableGPU,
		chromedp.UserDataDir(dir),
		chromedp.WindowSize(1280, 900),
		chromedp.WSURLReadTimeout(browserStartTimeout),
		// Nothing leaves the machine: every name but 127.0.0.1 fails to
		// resolve, and no proxy is used.
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"),
		chromedp.Flag("no-proxy-server", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-domain-reliability", true),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	shared.ctx = ctx
	shared.stop = func() { cancel(); cancelAlloc() }

	// The first action starts the browser process, tied to the context it
	// is given: so it gets the browser's own context, and the wait for it
	// is bounded here instead of by a deadline that would end the browser.
	err = waitFor(browserStartTimeout, shared.stop, func() error { return chromedp.Do(ctx) })
	if err != nil {
		return fmt.Errorf("%w (data dir %s)", err, dir)
	}
	return nil
}

func stopBrowser() {
	if shared.stop != nil {
		shared.stop()
	}
	if shared.dataDir != "" {
		if err := os.RemoveAll(shared.dataDir); err != nil && !errors.Is(err, os.ErrNotExist) {
			fmt.Fprintln(os.Stderr, "browsertest: remove chromium data dir:", err)
		}
	}
}
