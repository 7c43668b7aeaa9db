package ui

import (
	"errors"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/gateway/auth"
)

// Objects of the storage fixture: alice's photos (degraded but readable)
// and notes (not readable), and bob's backup.
const (
	cidPhotos = "bafkreiphotos0000000000000000000000000000000000000000000"
	cidNotes  = "bafkreinotes00000000000000000000000000000000000000000000"
	cidBackup = "bafkreibackup0000000000000000000000000000000000000000000"
)

// storageFixture fills s with the fixture's objects.
func storageFixture(s *fakeStorage) {
	expires := t0.Add(30 * 24 * time.Hour)
	audited := t0.Add(time.Hour)
	s.add("5Alice", api.StoredObject{
		CID: cidPhotos, Name: "photos/", Size: 3 << 20, CipherLen: 3<<20 + 64, Redundancy: "2+1", Deal: "deal-7",
		CreatedAt: t0, ExpiresAt: &expires, LastAudit: &audited, Repairs: 1,
		Health: api.StorageHealth{Live: 2, Total: 3, Readable: true},
		Shards: []api.StoredShard{
			{Index: 0, Peer: peerA, Account: "5ProviderA", State: "ok", Online: true, Audits: 4, LastAudit: &audited},
			{Index: 1, Peer: peerB, Account: "5ProviderB", State: "ok", Online: true, Audits: 4, LastAudit: &audited},
			{Index: 2, Peer: peerC, State: "failing", Online: false, Audits: 2, Failures: 2, LastAudit: &audited, LastError: "provider offline"},
		},
	})
	s.audit[cidPhotos] = []api.AuditResult{
		{Index: 0, Peer: peerA, Passed: true},
		{Index: 1, Peer: peerB, Passed: true},
		{Index: 2, Peer: peerC, Error: "provider offline"},
	}
	s.add("5Alice", api.StoredObject{
		CID: cidNotes, Name: "notes.txt", Size: 1536, CipherLen: 1600, Redundancy: "2+1", CreatedAt: t0.Add(time.Hour),
		Health: api.StorageHealth{Live: 1, Total: 3, Readable: false},
		Shards: []api.StoredShard{{Index: 0, Peer: peerA, State: "ok", Online: true}, {Index: 1, Peer: peerB, State: "lost"}, {Index: 2, Peer: peerC, State: "lost"}},
	})
	s.add("5Bob", api.StoredObject{
		CID: cidBackup, Name: "bob-backup.tar", Size: 10 << 20, CipherLen: 10<<20 + 200, Redundancy: "2+1", CreatedAt: t0,
		Health: api.StorageHealth{Live: 3, Total: 3, Readable: true},
	})
}

// storageUI serves the pages over the fixtures with s as their storage.
// With sessions, alice and bob sign in with their tokens; the client
// keeps cookies and does not follow redirects.
func storageUI(t *testing.T, s Storage, withSessions bool) (*httptest.Server, *http.Client) {
	t.Helper()
	b := newFakeBackend()
	fixture(b)
	opts := []Option{WithNotFound(errNotFound), WithStorage(s)}
	var h http.Handler
	if withSessions {
		h = asGateway(New(b, append(opts, WithSessions(sessions))...))
	} else {
		h = New(b, opts...)
	}
	srv := newServer(t, h)
	c := *srv.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return srv, &c
}

// asAccount returns a client of srv signed in with token.
func asAccount(t *testing.T, srv *httptest.Server, token string) *http.Client {
	t.Helper()
	c := *srv.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	c.Jar = &fixedCookie{cookie: &http.Cookie{Name: sessionCookie(srv), Value: token}}
	return &c
}

// sessionCookie is the name of the session cookie for srv.
func sessionCookie(srv *httptest.Server) string {
	u, _ := url.Parse(srv.URL)
	return auth.SessionCookieName(u.Host)
}

// fixedCookie is a cookie jar that always sends one cookie.
type fixedCookie struct{ cookie *http.Cookie }

func (j *fixedCookie) SetCookies(*url.URL, []*http.Cookie) {}
func (j *fixedCookie) Cookies(*url.URL) []*http.Cookie     { return []*http.Cookie{j.cookie} }

// page fetches path with c, checks its status and structure, and returns
// its body.
func page(t *testing.T, c *http.Client, u string, status int) string {
	t.Helper()
	res, body := fetch(t, c, "GET", u, nil, nil)
	if res.StatusCode != status {
		t.Fatalf("GET %s: status %d, want %d; body:\n%s", u, res.StatusCode, status, body)
	}
	checkHTML(t, u, body)
	return body
}

// auditToken finds the audit form's token in an object's page.
var auditTokenRE = regexp.MustCompile(`<form id="audit-form" method="post" action="([^"]+)">\s*<input type="hidden" name="csrf_token" value="([^"]+)">`)

// auditForm draws an object's page with c and returns its audit form's
// action and token.
func auditForm(t *testing.T, c *http.Client, srv *httptest.Server, cid string) (string, string) {
	t.Helper()
	body := page(t, c, srv.URL+"/storage/"+cid, http.StatusOK)
	m := auditTokenRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("the page of %s has no audit form with a token:\n%s", cid, body)
	}
	return m[1], m[2]
}

func TestStorageList(t *testing.T) {
	s := newFakeStorage()
	storageFixture(s)
	srv, c := storageUI(t, s, false)
	body := page(t, c, srv.URL+"/storage", http.StatusOK)
	wantAll(t, "/storage", body,
		`<a href="/storage" aria-current="page">Storage</a>`,
		"3 stored objects", // no sign-in: the gateway shows every object
		"photos/", "notes.txt", "bob-backup.tar",
		`<a href="/storage/`+cidPhotos+`" class="hash" title="`+cidPhotos+`">`,
		"3.0 MiB", "1.5 KiB", "<td>2&#43;1</td>",
		// Health in words beside the meter, red when not readable.
		"2/3 live · degraded", "1/3 live · not readable", "3/3 live",
		`class="health health-bad"`, `class="health health-warn"`, `class="health health-ok"`,
		"2 of 3 shards live; a read needs 2; readable", "1 of 3 shards live; a read needs 2; not readable",
		`datetime="2026-03-31T12:00:00Z"`, // photos expire
		"never",                           // the others do not
		"opensky storage put FILE",
	)
	if strings.Index(body, "notes.txt") > strings.Index(body, "photos/") {
		t.Error("the list is not newest first")
	}
}

func TestStorageListEmpty(t *testing.T) {
	srv, c := storageUI(t, newFakeStorage(), false)
	body := page(t, c, srv.URL+"/storage", http.StatusOK)
	wantAll(t, "/storage", body, `id="storage-empty"`, "You have nothing stored yet",
		"opensky storage put FILE", `<a id="upload-link" href="/storage/new">`, "encrypted before it leaves your machine", "wrapped to your account",
		"opensky storage key CID")
	if strings.Contains(body, "<table") {
		t.Error("the empty list draws a table")
	}
}

func TestStorageWithoutNetwork(t *testing.T) {
	srv, _ := newTestUI(t, nil) // no WithStorage
	body := getPage(t, srv, "/storage", http.StatusOK)
	wantAll(t, "/storage", body, `id="storage-unavailable"`, "does not run the storage network")
	body = getPage(t, srv, "/storage/"+cidPhotos, http.StatusNotFound)
	wantAll(t, "/storage/cid", body, "Object not found")
	// The nav offers the page everywhere.
	wantAll(t, "/", getPage(t, srv, "/", http.StatusOK), `<a href="/storage">Storage</a>`)
}

func TestStorageListFails(t *testing.T) {
	s := newFakeStorage()
	s.listErr = errors.New("broker database closed: secret detail")
	srv, c := storageUI(t, s, false)
	body := page(t, c, srv.URL+"/storage", http.StatusServiceUnavailable)
	wantAll(t, "/storage", body, "could not load your stored objects")
	if strings.Contains(body, "secret detail") {
		t.Error("the error page shows the storage network's internal error")
	}
}

func TestStorageObjectPage(t *testing.T) {
	s := newFakeStorage()
	storageFixture(s)
	srv, c := storageUI(t, s, false)
	u := srv.URL + "/storage/" + cidPhotos
	body := page(t, c, u, http.StatusOK)
	wantAll(t, u, body,
		"<title>photos/ (bafkreiphotos000…) · OpenSky</title>",
		`<a href="/storage" aria-current="page">Storage</a>`,
		`<code class="hash" id="object-cid">`+cidPhotos+`</code>`,
		// Sizes and layout: 3 MiB in 2 data shards of whole 16 KiB pieces.
		"3.0 MiB", "(3.0 MiB encrypted)",
		"2+1: 2 data and 1 parity shard, each on its own provider; any 2 of the 3 serve a read",
		"<dd>1.5 MiB <span class=\"muted\">(4.5 MiB in all)</span></dd>",
		"<code>deal-7</code>", `datetime="2026-03-31T12:00:00Z"`, "<dt>Repairs</dt><dd>1</dd>",
		`<span id="object-health" class="health health-warn">`, "2/3 live · degraded",
		// Shards: an online provider links to its page, an offline one
		// (which may have none) does not.
		`<a href="/providers/`+peerA+`"><code title="`+peerA+`">`,
		`<td><code title="`+peerC+`">`,
		`<span class="phase phase-ok">ok</span>`, `<span class="phase phase-warn">failing</span>`,
		"<td>2</td>", "provider offline", "5ProviderA",
		// The audit form and how to download.
		`<form id="audit-form" method="post" action="/storage/`+cidPhotos+`/audit">`,
		`<button type="submit" id="audit-now">Audit now</button>`,
		"opensky storage get "+cidPhotos+" -o PATH",
		// Opening it in the browser: photos/ is a directory, saved as a tar.
		`<form id="decrypt-form" data-content-url="/api/v1/storage/`+cidPhotos+`/content" data-cid="`+cidPhotos+`" data-cipher-len="3145792" data-size="3145728" data-name="photos.tar">`,
		`<label for="decrypt-key">Content key</label>`, `<label for="decrypt-keyfile">Or the saved key file</label>`,
		`<button type="submit" id="decrypt-start">Download and decrypt</button>`, `<script src="/static/seal.js" defer></script>`,
		`<script src="/static/storage_download.js" defer></script>`,
	)
	if strings.Contains(body, `href="/providers/`+peerC) {
		t.Error("an offline provider's shard links to the providers page")
	}
	if strings.Contains(body, `id="audit-results"`) {
		t.Error("the page shows audit results before any audit ran")
	}

	body = page(t, c, srv.URL+"/storage/"+cidNotes, http.StatusOK)
	wantAll(t, "notes", body, `class="health health-bad"`, "1/3 live · not readable", "Too few shards are live",
		"none: this object is not paid through the chain", "never: kept until removed", "not audited yet",
		`<span class="phase phase-bad">lost</span>`)
}

func TestStorageObjectNotFound(t *testing.T) {
	s := newFakeStorage()
	storageFixture(s)
	srv, c := storageUI(t, s, false)
	for _, cid := range []string{"bafkreinothere", "not-a-cid", "%3Cscript%3E", strings.Repeat("b", maxCIDLen+1)} {
		body := page(t, c, srv.URL+"/storage/"+cid, http.StatusNotFound)
		wantAll(t, cid, body, "Object not found")
		if strings.Contains(body, "<script>") {
			t.Errorf("%s: the 404 page shows the path unescaped", cid)
		}
	}
}

// Another account's object is a 404, exactly like a missing one; the
// list shows only the visitor's own.
func TestStorageOwnObjectsOnly(t *testing.T) {
	s := newFakeStorage()
	storageFixture(s)
	srv, anon := storageUI(t, s, true)
	res, _ := fetch(t, anon, "GET", srv.URL+"/storage", nil, nil)
	if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/signin?") {
		t.Errorf("GET /storage without a session: %d to %q, want the sign-in page", res.StatusCode, loc)
	}
	alice, bob := asAccount(t, srv, aliceToken), asAccount(t, srv, bobToken)

	body := page(t, alice, srv.URL+"/storage", http.StatusOK)
	wantAll(t, "/storage as alice", body, "2 stored objects", "photos/", "notes.txt")
	if strings.Contains(body, "bob-backup.tar") || strings.Contains(body, cidBackup) {
		t.Error("alice's list shows bob's object")
	}
	body = page(t, bob, srv.URL+"/storage", http.StatusOK)
	wantAll(t, "/storage as bob", body, "1 stored object,", "bob-backup.tar")

	missing := page(t, bob, srv.URL+"/storage/bafkreinothere", http.StatusNotFound)
	other := page(t, bob, srv.URL+"/storage/"+cidPhotos, http.StatusNotFound)
	wantAll(t, "alice's object as bob", other, "Object not found")
	if strip := func(s string) string {
		return regexp.MustCompile(`bafkrei[a-z0-9]+|value="[^"]*"`).ReplaceAllString(s, "")
	}; strip(missing) != strip(other) {
		t.Error("another account's object does not look like a missing one")
	}
	page(t, alice, srv.URL+"/storage/"+cidPhotos, http.StatusOK)

	// Bob cannot audit alice's object, even with a valid form token.
	_, token := auditForm(t, bob, srv, cidBackup)
	res, _ = fetch(t, bob, "POST", srv.URL+"/storage/"+cidPhotos+"/audit", url.Values{"csrf_token": {token}}, map[string]string{"Origin": srv.URL})
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("bob audits alice's object: %d, want 404", res.StatusCode)
	}
	if got := s.audited(); len(got) != 0 {
		t.Errorf("audits run: %q, want none", got)
	}

	// Alice's audit runs as alice.
	action, token := auditForm(t, alice, srv, cidPhotos)
	res, _ = fetch(t, alice, "POST", srv.URL+action, url.Values{"csrf_token": {token}}, map[string]string{"Origin": srv.URL})
	if res.StatusCode != http.StatusOK {
		t.Errorf("alice audits her object: %d, want 200", res.StatusCode)
	}
	if got := s.audited(); !slices.Equal(got, []string{cidPhotos + " as 5Alice"}) {
		t.Errorf("audits run: %q", got)
	}
}

func TestStorageAudit(t *testing.T) {
	s := newFakeStorage()
	storageFixture(s)
	srv, c := storageUI(t, s, false)
	action, token := auditForm(t, c, srv, cidPhotos)
	if action != "/storage/"+cidPhotos+"/audit" {
		t.Fatalf("the audit form posts to %q", action)
	}
	res, body := fetch(t, c, "POST", srv.URL+action, url.Values{"csrf_token": {token}}, map[string]string{"Origin": srv.URL})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("POST %s: %d, want 200; body:\n%s", action, res.StatusCode, body)
	}
	checkHTML(t, action, body)
	wantAll(t, action, body,
		`<div id="audit-results">`,
		`<p id="audit-summary" class="notice notice-bad" role="status">2 of 3 shards passed the audit.</p>`,
		`<td>0</td>
        <td><code title="`+peerA+`">`,
		`<span class="phase phase-ok">passed</span>`, `<span class="phase phase-bad">failed</span>`,
		// The page is drawn after the audit: its records are updated.
		`<dd id="object-last-audit"><time datetime="2026-03-01T14:00:00Z">`,
		"<td>5</td>", "<td>3</td>", // shard 0's audits passed; shard 2's failures in a row
		// and the form is there to run another.
		`id="audit-now"`,
	)
	if n := strings.Count(body, `phase phase-ok">passed`); n != 2 {
		t.Errorf("%d shards shown passed, want 2", n)
	}
	if got := s.audited(); !slices.Equal(got, []string{cidPhotos + " as "}) {
		t.Errorf("audits run: %q", got)
	}

	// Every shard passing is a plain notice.
	s.audit[cidPhotos][2] = api.AuditResult{Index: 2, Peer: peerC, Passed: true}
	_, body = fetch(t, c, "POST", srv.URL+action, url.Values{"csrf_token": {token}}, map[string]string{"Origin": srv.URL})
	wantAll(t, action, body, `<p id="audit-summary" class="notice" role="status">3 of 3 shards passed the audit.</p>`)
}

// The audit form is refused without its token, with a forged or stale
// one, and from another site; no audit runs.
func TestStorageAuditRefusesForgery(t *testing.T) {
	s := newFakeStorage()
	storageFixture(s)
	srv, c := storageUI(t, s, false)
	_, token := auditForm(t, c, srv, cidPhotos)
	stale := newFormTokens().mint(time.Now()) // another process's key
	u := srv.URL + "/storage/" + cidPhotos + "/audit"
	for _, tc := range []struct {
		name   string
		form   url.Values
		origin map[string]string
		status int
	}{
		{"no token", url.Values{}, map[string]string{"Origin": srv.URL}, http.StatusForbidden},
		{"forged token", url.Values{"csrf_token": {"AAAA"}}, map[string]string{"Origin": srv.URL}, http.StatusForbidden},
		{"another gateway's token", url.Values{"csrf_token": {stale}}, map[string]string{"Origin": srv.URL}, http.StatusForbidden},
		{"another site", url.Values{"csrf_token": {token}}, map[string]string{"Origin": "https://evil.example"}, http.StatusForbidden},
		{"cross-site fetch", url.Values{"csrf_token": {token}}, map[string]string{"Origin": srv.URL, "Sec-Fetch-Site": "cross-site"}, http.StatusForbidden},
		{"no origin", url.Values{"csrf_token": {token}}, nil, http.StatusForbidden},
	} {
		res, body := fetch(t, c, "POST", u, tc.form, tc.origin)
		if res.StatusCode != tc.status {
			t.Errorf("%s: %d, want %d", tc.name, res.StatusCode, tc.status)
		}
		if strings.Contains(body, "audit-results") {
			t.Errorf("%s: the page shows audit results", tc.name)
		}
	}
	if got := s.audited(); len(got) != 0 {
		t.Errorf("audits run: %q, want none", got)
	}
	// GET on the form's action is no audit either.
	if res, _ := fetch(t, c, "GET", u, nil, nil); res.StatusCode != http.StatusMethodNotAllowed && res.StatusCode != http.StatusNotFound {
		t.Errorf("GET %s: %d", u, res.StatusCode)
	}
	if got := s.audited(); len(got) != 0 {
		t.Errorf("audits run after a GET: %q, want none", got)
	}
}

func TestStorageAuditFails(t *testing.T) {
	s := newFakeStorage()
	storageFixture(s)
	s.auditErr = errors.New("no live providers: secret detail")
	srv, c := storageUI(t, s, false)
	action, token := auditForm(t, c, srv, cidPhotos)
	res, body := fetch(t, c, "POST", srv.URL+action, url.Values{"csrf_token": {token}}, map[string]string{"Origin": srv.URL})
	if res.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("a failed audit: %d, want 503", res.StatusCode)
	}
	checkHTML(t, action, body)
	wantAll(t, action, body, `id="audit-error"`, "The audit could not run", `id="audit-now"`, "photos/")
	if strings.Contains(body, "secret detail") || strings.Contains(body, `id="audit-results"`) {
		t.Error("a failed audit shows its internal error or results")
	}
}

// An object's name and its shards' errors come from the uploader and the
// providers: they must never reach the page as markup.
func TestHostileObjectIsEscaped(t *testing.T) {
	const evil = `<script>alert(1)</script><img src=x onerror=alert(2)>`
	s := newFakeStorage()
	s.add("", api.StoredObject{CID: "bafkreievil", Name: evil, Redundancy: evil, Deal: evil, CreatedAt: t0,
		Shards: []api.StoredShard{{Peer: evil, Account: evil, State: evil, LastError: evil, Online: true}}})
	s.audit["bafkreievil"] = []api.AuditResult{{Peer: evil, Error: evil}}
	srv, c := storageUI(t, s, false)
	for _, path := range []string{"/storage", "/storage/bafkreievil"} {
		body := page(t, c, srv.URL+path, http.StatusOK)
		for _, raw := range []string{"<script>alert", "<img src=x"} {
			if strings.Contains(body, raw) {
				t.Errorf("GET %s: the page contains %q unescaped", path, raw)
			}
		}
	}
	action, token := auditForm(t, c, srv, "bafkreievil")
	_, body := fetch(t, c, "POST", srv.URL+action, url.Values{"csrf_token": {token}}, map[string]string{"Origin": srv.URL})
	if strings.Contains(body, "<script>alert") || !strings.Contains(body, "&lt;script&gt;alert(1)") {
		t.Error("the audit results show a provider's error unescaped")
	}
}

func TestHealthMeter(t *testing.T) {
	for _, tc := range []struct {
		name  string
		o     api.StoredObject
		class string
		bar   string // the bar's width
		mark  string // the mark's x, "" for none
	}{
		{"all live", api.StoredObject{Redundancy: "2+1", Health: api.StorageHealth{Live: 3, Total: 3, Readable: true}}, "health-ok", `width="94"`, `x1="63.67"`},
		{"degraded", api.StoredObject{Redundancy: "10+4", Health: api.StorageHealth{Live: 12, Total: 14, Readable: true}}, "health-warn", `width="80.57"`, `x1="68.14"`},
		{"unreadable", api.StoredObject{Redundancy: "2+1", Health: api.StorageHealth{Live: 1, Total: 3}}, "health-bad", `width="31.33"`, `x1="63.67"`},
		{"no shards", api.StoredObject{Redundancy: "bogus", Health: api.StorageHealth{}}, "health-bad", `class="meter-bar" x="1" y="1" width="0"`, ""},
	} {
		v := newHealthView("m", tc.o)
		svg := string(v.Meter)
		if v.Class != tc.class || !strings.Contains(svg, `class="meter `+tc.class+`"`) {
			t.Errorf("%s: class %q, want %s", tc.name, v.Class, tc.class)
		}
		if !strings.Contains(svg, tc.bar) {
			t.Errorf("%s: the bar is not %s:\n%s", tc.name, tc.bar, svg)
		}
		if tc.mark == "" && strings.Contains(svg, "meter-mark") || tc.mark != "" && !strings.Contains(svg, tc.mark) {
			t.Errorf("%s: the mark is not at %q:\n%s", tc.name, tc.mark, svg)
		}
		if !strings.HasPrefix(svg, "<svg") || !strings.Contains(svg, `role="img"`) || !strings.Contains(svg, `<title id="m-title">`) {
			t.Errorf("%s: the meter has no role or title:\n%s", tc.name, svg)
		}
	}
}

func TestPlausibleCID(t *testing.T) {
	for s, want := range map[string]bool{
		cidPhotos: true, "Qm123": true, "": false, "a/b": false, "a b": false, "a.b": false, "<x>": false,
		strings.Repeat("b", maxCIDLen): true, strings.Repeat("b", maxCIDLen+1): false,
	} {
		if got := plausibleCID(s); got != want {
			t.Errorf("plausibleCID(%q) = %v, want %v", s, got, want)
		}
	}
}

// The dashboard and the providers page show the storage the providers
// rent out, and nothing about it when none does.
func TestStorageOffered(t *testing.T) {
	srv, b := newTestUI(t, nil)
	body := getPage(t, srv, "/", http.StatusOK)
	if strings.Contains(body, "Storage offered") {
		t.Error("the dashboard shows storage that no provider offers")
	}
	b.mu.Lock()
	b.providers[0].Storage = &api.StorageOffer{TotalBytes: 200 << 30, FreeBytes: 150 << 30, PricePerGBMonth: 2000}
	b.providers[1].Storage = &api.StorageOffer{TotalBytes: 100 << 30, FreeBytes: 100 << 30, PricePerGBMonth: 3000}
	b.mu.Unlock()
	body = getPage(t, srv, "/", http.StatusOK)
	wantAll(t, "/", body,
		"<dt>Storage offered</dt><dd>300.0 GiB</dd>", "<dt>Storage free</dt><dd>250.0 GiB</dd>",
		"<dt>Providers storing</dt><dd>2</dd>", `<a href="/storage">Your stored objects</a>`,
		"storage: 50.0 GiB of 300.0 GiB", // the capacity chart's description
	)
	body = getPage(t, srv, "/providers", http.StatusOK)
	wantAll(t, "/providers", body, "Storage free / total", "150.0 GiB / 200.0 GiB", "$0.002000", "$0.003000")

	b.mu.Lock()
	b.providers[1].Storage = nil
	b.mu.Unlock()
	body = getPage(t, srv, "/providers", http.StatusOK)
	wantAll(t, "/providers", body, "<td>none</td>")
}

// FuzzStorageObjectPath: whatever a visitor puts in an object's path, the
// page is a 404 or the object, never an error of the gateway, and the
// path never reaches the page as markup.
func FuzzStorageObjectPath(f *testing.F) {
	for _, s := range []string{cidPhotos, "bafkreinothere", "", "a b", "<script>x</script>", "%2F..%2F", strings.Repeat("b", maxCIDLen+1)} {
		f.Add(s)
	}
	s := newFakeStorage()
	storageFixture(s)
	h := New(newFakeBackend(), WithNotFound(errNotFound), WithStorage(s))
	f.Fuzz(func(t *testing.T, cid string) {
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.URL.Path = "/storage/" + cid
		req.URL.RawPath = ""
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		switch rec.Code {
		case http.StatusOK, http.StatusNotFound, http.StatusMovedPermanently, http.StatusTemporaryRedirect:
		default:
			t.Fatalf("GET /storage/%q: status %d", cid, rec.Code)
		}
		if rec.Code == http.StatusOK && cid != cidPhotos && cid != cidNotes && cid != cidBackup {
			t.Fatalf("GET /storage/%q: 200 for no object", cid)
		}
		// The 404 page names the CID it did not find, escaped.
		if q := "no stored object " + strconv.Quote(clip(cid, maxCIDLen)); html.EscapeString(q) != q && strings.Contains(rec.Body.String(), q) {
			t.Fatalf("GET /storage/%q: the path reaches the page unescaped", cid)
		}
	})
}
