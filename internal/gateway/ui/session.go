package ui

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/opensky-network/opensky/internal/gateway/auth"
)

// A gateway that authenticates requests signs the visitors of its pages
// in with an API token they paste (made with `opensky token create`): the
// token is kept in an HttpOnly, SameSite=Strict cookie that the gateway
// reads on every request (auth.SessionToken) and turns into the request's
// account before the pages run. Pages then require that account and show
// only its jobs. Signing in and out are forms protected like the submit
// form (csrf.go).

// Sessions checks the tokens visitors sign in with: the gateway's token
// store satisfies it through an adapter.
type Sessions interface {
	// CheckToken returns the account token authenticates and when the
	// token expires (zero: never); an error means it does not work.
	CheckToken(ctx context.Context, token string) (account string, expires time.Time, err error)
}

// WithSessions requires visitors to sign in: every page but the sign-in
// page and the static files needs the account the gateway put in the
// request's context (auth.WithPrincipal), and the pages show only that
// account's jobs.
func WithSessions(s Sessions) Option {
	return func(h *Handler) { h.sessions = s }
}

// Bounds of the session forms.
const (
	// maxSessionForm bounds the body of the sign-in and sign-out forms.
	maxSessionForm = 8 << 10
	// sessionMaxAge is how long the session cookie lasts at most; a
	// token that expires sooner ends the session then.
	sessionMaxAge = 30 * 24 * time.Hour
	// signinPath is the sign-in page.
	signinPath = "/signin"
)

// open reports whether a path is served without a session.
func openPath(p string) bool {
	return p == signinPath || strings.HasPrefix(p, "/static/")
}

// requireSession answers a request without a session: a page request is
// sent to the sign-in page, which brings the visitor back afterwards;
// anything else is refused with 401.
func (h *Handler) requireSession(w http.ResponseWriter, r *http.Request) bool {
	if h.sessions == nil || openPath(r.URL.Path) {
		return true
	}
	if _, ok := auth.AccountFrom(r.Context()); ok {
		return true
	}
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		http.Redirect(w, r, signinPath+"?"+url.Values{"next": {r.URL.RequestURI()}}.Encode(), http.StatusSeeOther)
		return false
	}
	h.renderError(w, r, http.StatusUnauthorized, "Sign in first",
		"This gateway shows each account its own jobs: sign in with an API token, then send the form again.")
	return false
}

// signinView is the content of the sign-in page.
type signinView struct {
	Token   string // the form's CSRF token
	Next    string
	Account string // who is signed in already, if anyone
	Problem string
	Ended   bool // a session cookie came with the request but no longer works
}

// signinForm draws the sign-in page.
func (h *Handler) signinForm(w http.ResponseWriter, r *http.Request) {
	if h.sessions == nil {
		h.noPage(w, r)
		return
	}
	acct, _ := auth.AccountFrom(r.Context())
	h.renderSignin(w, r, http.StatusOK, signinView{
		Next:    localPath(r.URL.Query().Get("next")),
		Account: acct,
		Ended:   acct == "" && auth.SessionToken(r) != "",
	})
}

func (h *Handler) renderSignin(w http.ResponseWriter, r *http.Request, status int, v signinView) {
	v.Token = h.forms.mint(time.Now())
	h.render(w, r, status, "signin", view{Title: "Sign in", Nav: "signin", Data: v})
}

// signinPost checks the pasted token and, when it works, keeps it in the
// session cookie and sends the visitor on.
func (h *Handler) signinPost(w http.ResponseWriter, r *http.Request) {
	if h.sessions == nil {
		h.noPage(w, r)
		return
	}
	if !h.sessionForm(w, r, signinPath) {
		return
	}
	next := localPath(r.PostFormValue("next"))
	tok := strings.TrimSpace(r.PostFormValue("token"))
	acct, expires, err := "", time.Time{}, auth.ErrInvalidToken
	if _, _, perr := auth.ParseToken(tok); perr == nil {
		acct, expires, err = h.sessions.CheckToken(r.Context(), tok)
	}
	if err != nil {
		h.log.Debug("sign-in refused", "err", err)
		h.renderSignin(w, r, http.StatusUnauthorized, signinView{
			Next:    next,
			Problem: "This token does not work here: it is mistyped, revoked, expired or was made on another gateway. Make a new one with opensky token create.",
		})
		return
	}
	maxAge := sessionMaxAge
	if !expires.IsZero() {
		maxAge = min(maxAge, time.Until(expires))
	}
	http.SetCookie(w, &http.Cookie{
		Name: auth.SessionCookieName(r.Host), Value: tok, Path: "/",
		MaxAge: max(1, int(maxAge/time.Second)), HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode,
	})
	h.log.Info("signed in", "account", acct)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// signoutPost forgets the session cookie.
func (h *Handler) signoutPost(w http.ResponseWriter, r *http.Request) {
	if h.sessions == nil {
		h.noPage(w, r)
		return
	}
	if !h.sessionForm(w, r, "/") {
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name: auth.SessionCookieName(r.Host), Value: "", Path: "/",
		MaxAge: -1, HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode,
	})
	http.Redirect(w, r, signinPath, http.StatusSeeOther)
}

// sessionForm checks where a sign-in or sign-out form comes from and its
// token, and reads it; it answers and returns false when the form is
// refused. from is the page that draws the form, named in the error.
func (h *Handler) sessionForm(w http.ResponseWriter, r *http.Request, from string) bool {
	if !sameOrigin(r) {
		h.renderError(w, r, http.StatusForbidden, "Form refused",
			"This form can only be sent from this gateway's own pages. Open "+from+" and send it from there.")
		return false
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxSessionForm)
	if err := r.ParseForm(); err != nil {
		h.renderError(w, r, http.StatusBadRequest, "Form unreadable", "The form could not be read: send it from the gateway's own page.")
		return false
	}
	if !h.forms.valid(r.PostFormValue(tokenField), time.Now()) {
		h.renderError(w, r, http.StatusForbidden, "Form expired or forged",
			"The form's security token is missing, wrong or stale. Reload the page and send the form again.")
		return false
	}
	return true
}

// localPath returns p when it is a path on this gateway (so that the
// sign-in page cannot send a visitor elsewhere), "/" otherwise.
func localPath(p string) string {
	if p == "" || p[0] != '/' || strings.HasPrefix(p, "//") || strings.ContainsAny(p, "\\\r\n") || p == signinPath || strings.HasPrefix(p, signinPath+"?") {
		return "/"
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" {
		return "/"
	}
	return p
}

// mayView reports whether the visitor may see an object owned by owner:
// anyone without sessions, otherwise only its owner.
func (h *Handler) mayView(r *http.Request, owner string) bool {
	if h.sessions == nil {
		return true
	}
	acct, ok := auth.AccountFrom(r.Context())
	return ok && owner != "" && owner == acct
}

// listOwner is the owner a job listing is limited to.
func (h *Handler) listOwner(r *http.Request) string {
	if h.sessions == nil {
		return ""
	}
	acct, _ := auth.AccountFrom(r.Context())
	return acct
}
