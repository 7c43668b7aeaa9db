package ui

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/opensky-network/opensky/internal/gateway/auth"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// contentSecurityPolicy allows only the gateway's own stylesheet and
// script: no inline script, no inline style, no third party.
const contentSecurityPolicy = "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// pages holds one template set per page, each the layout with the page's
// content.
type pages struct {
	byName map[string]*template.Template
}

// pageNames are the templates under templates/ other than the layout.
var pageNames = []string{"dashboard", "submit", "jobs", "job", "providers", "chain", "storage", "storage_new", "storage_object", "error", "signin"}

// mustParsePages parses the embedded templates; they are part of the
// binary, so a parse error is a broken build.
func mustParsePages() *pages {
	base := template.Must(template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/history.html"))
	p := &pages{byName: make(map[string]*template.Template, len(pageNames))}
	for _, name := range pageNames {
		t := template.Must(template.Must(base.Clone()).ParseFS(templateFS, "templates/"+name+".html"))
		p.byName[name] = t
	}
	return p
}

// view is what the layout renders around a page's content.
type view struct {
	Title string
	Nav   string // the nav entry to mark as current
	Data  any
	// Account is the signed-in visitor, with WithSessions; SignOut is the
	// CSRF token of the layout's sign-out form.
	Account string
	SignOut string
}

// render writes a page with the given status. The page is rendered into a
// buffer first, so that a template error still gives a clean error page.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, name string, v view) {
	var buf bytes.Buffer
	if h.sessions != nil {
		if acct, ok := auth.AccountFrom(r.Context()); ok {
			v.Account, v.SignOut = acct, h.forms.mint(time.Now())
		}
	}
	t, ok := h.pages.byName[name]
	if !ok {
		h.log.Error("no such page template", "page", name)
		h.writeFallback(w, r)
		return
	}
	if err := t.ExecuteTemplate(&buf, "layout.html", v); err != nil {
		h.log.Error("page render failed", "page", name, "path", r.URL.Path, "err", err)
		if name == "error" {
			h.writeFallback(w, r)
			return
		}
		h.renderError(w, r, http.StatusInternalServerError, "Internal error", "This page could not be drawn; the gateway log has the details.")
		return
	}
	hdr := w.Header()
	hdr.Set("Content-Type", "text/html; charset=utf-8")
	hdr.Set("Content-Length", strconv.Itoa(buf.Len()))
	hdr.Set("Content-Security-Policy", contentSecurityPolicy)
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Referrer-Policy", "same-origin")
	hdr.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(buf.Bytes())
	}
}

// errorView is the content of an error page.
type errorView struct {
	Status  int
	Heading string
	Message string
}

// renderError writes an error page.
func (h *Handler) renderError(w http.ResponseWriter, r *http.Request, status int, heading, msg string) {
	h.render(w, r, status, "error", view{
		Title: heading,
		Data:  errorView{Status: status, Heading: heading, Message: msg},
	})
}

// writeFallback answers when even the error page cannot be drawn.
func (h *Handler) writeFallback(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusInternalServerError)
	_, _ = fmt.Fprintln(w, "internal error: the page could not be drawn")
}

// staticHandler serves the embedded stylesheet and script under /static/.
func staticHandler() http.Handler {
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		panic(err) // the embed pattern guarantees the directory
	}
	files := http.StripPrefix("/static/", http.FileServerFS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/") {
			http.NotFound(w, r) // no directory listings
			return
		}
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Cache-Control", "public, max-age=300")
		files.ServeHTTP(w, r)
	})
}
