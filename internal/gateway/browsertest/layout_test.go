package browsertest

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// phoneWidth and phoneHeight are a phone's viewport in CSS pixels.
const phoneWidth, phoneHeight = 390, 844

// overflowJS lists the elements that stick out of the viewport on the
// right, other than those inside a container that scrolls on its own (the
// tables' wrappers), as "tag.class right-edge" strings.
const overflowJS = `(() => {
  const width = document.documentElement.clientWidth;
  const scrolls = el => { for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
    const o = getComputedStyle(a).overflowX; if (o === "auto" || o === "scroll" || o === "hidden") return true; } return false; };
  return [...document.body.querySelectorAll("*")]
    .filter(el => el.getBoundingClientRect().right > width + 1 && !scrolls(el))
    .slice(0, 10)
    .map(el => el.tagName.toLowerCase() + (el.className && typeof el.className === "string" ? "." + el.className.trim().replace(/\s+/g, ".") : "") + " " + Math.round(el.getBoundingClientRect().right));
})()`

// TestPhoneWidth loads every page at a phone's width: the document must
// not scroll sideways; wide tables scroll inside their own containers.
func TestPhoneWidth(t *testing.T) {
	n := freeNet(t)
	job := finishedJob(t)
	p := newPage(t, n.URL)

	p.emulatePhone()
	for _, path := range []string{"/", "/jobs", "/providers", "/chain", "/storage", "/jobs/" + job.ID} {
		p.open(path)
		p.expectPhoneFit()
	}
}

// emulatePhone gives the tab a phone's viewport.
func (p *page) emulatePhone() {
	p.t.Helper()
	run(p, "emulate a phone", chromedp.EmulateViewport(phoneWidth, phoneHeight, chromedp.EmulateMobile, chromedp.EmulateScale(3)))
}

// expectPhoneFit checks that the page shown, at a phone's width, does not
// scroll sideways, and that its tables scroll inside their own containers.
func (p *page) expectPhoneFit() {
	p.t.Helper()
	t, path := p.t, p.current
	if w := eval[int](p, `window.innerWidth`); w != phoneWidth {
		t.Fatalf("%s: viewport %d px wide, want %d", path, w, phoneWidth)
	}
	type widths struct{ Scroll, Client int }
	doc := eval[widths](p, `({Scroll: document.documentElement.scrollWidth, Client: document.documentElement.clientWidth})`)
	body := eval[widths](p, `({Scroll: document.body.scrollWidth, Client: document.body.clientWidth})`)
	if doc.Scroll > doc.Client || body.Scroll > doc.Client {
		t.Errorf("%s at %d px: the document scrolls sideways (document %d/%d, body %d/%d); sticking out: %s",
			path, phoneWidth, doc.Scroll, doc.Client, body.Scroll, body.Client, strings.Join(eval[[]string](p, overflowJS), ", "))
	}
	// The tables may be wider than the phone, inside a container that
	// scrolls them.
	bad := eval[int](p, `[...document.querySelectorAll("main table")].filter(t => !t.parentElement.classList.contains("table-wrap") || getComputedStyle(t.parentElement).overflowX !== "auto").length`)
	if bad != 0 {
		t.Errorf("%s: %d tables outside a scrolling .table-wrap", path, bad)
	}
}

// TestKeyboard checks keyboard use: the first Tab from the top of a page
// reaches the skip link, which shows when focused and moves focus to the
// main content.
func TestKeyboard(t *testing.T) {
	n := freeNet(t)
	p := newPage(t, n.URL)
	for _, path := range []string{"/", "/jobs", "/providers", "/storage"} {
		p.open(path)
		run(p, "press Tab", chromedp.KeyEvent("\t"))
		type focus struct {
			Tag, Class, Text, Href string
			Width, Height, Top     float64
		}
		f := eval[focus](p, `(() => { const e = document.activeElement, r = e.getBoundingClientRect();
			return {Tag: e.tagName.toLowerCase(), Class: e.className, Text: e.textContent.trim(), Href: e.getAttribute("href") ?? "", Width: r.width, Height: r.height, Top: r.top}; })()`)
		if f.Tag != "a" || f.Href != "#main" || !strings.Contains(f.Text, "Skip to content") {
			t.Errorf("%s: the first Tab focuses <%s class=%q href=%q> %q, want the skip link to #main", path, f.Tag, f.Class, f.Href, f.Text)
			continue
		}
		if f.Width < 1 || f.Height < 1 || f.Top < 0 {
			t.Errorf("%s: the focused skip link is not visible (%vx%v at top %v)", path, f.Width, f.Height, f.Top)
		}
		run(p, "press Enter", chromedp.KeyEvent("\r"))
		p.waitUntil("focus on main", `document.activeElement?.id === "main" && location.hash === "#main"`, actionTimeout)
		// The next Tab goes on into the page's links.
		run(p, "press Tab", chromedp.KeyEvent("\t"))
		if tag := eval[string](p, `document.activeElement.tagName.toLowerCase()`); tag == "body" {
			t.Errorf("%s: Tab after the skip link focuses nothing", path)
		}
	}
}
