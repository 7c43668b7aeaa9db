package ui

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/gateway/auth"
	"github.com/opensky-network/opensky/internal/ledger"
)

// Alice's development account, whose public key the upload page wraps
// keys to.
const (
	devAlice    = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"
	devAliceKey = "d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d"
	devToken    = "osk_dddddddddddddddd_" + "DDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDA"
)

// devSessions signs devToken in as devAlice.
var devSessions = fakeSessions{devToken: devAlice}

// uploadUI serves the pages with sign-in as devAlice, over storage s and
// chain c (either may be nil).
func uploadUI(t *testing.T, s Storage, c Chain) (*httptest.Server, *http.Client) {
	t.Helper()
	b := newFakeBackend()
	opts := []Option{WithNotFound(errNotFound), WithSessions(devSessions)}
	if s != nil {
		opts = append(opts, WithStorage(s))
	}
	if c != nil {
		opts = append(opts, WithChain(c))
	}
	h := New(b, opts...)
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if acct, ok := devSessions[auth.SessionToken(r)]; ok {
			r = r.WithContext(auth.WithPrincipal(r.Context(), auth.Principal{Account: acct, Method: auth.MethodSession}))
		}
		h.ServeHTTP(w, r)
	}))
	return srv, asAccount(t, srv, devToken)
}

func TestUploadPage(t *testing.T) {
	srv, c := uploadUI(t, newFakeStorage(), nil)
	body := page(t, c, srv.URL+"/storage/new", http.StatusOK)
	wantAll(t, "/storage/new", body,
		"<title>Upload a file · OpenSky</title>", `<a href="/storage" aria-current="page">Storage</a>`,
		`<form id="upload-form" class="job-form" data-api="/api/v1/storage" data-owner-key="`+devAliceKey+`" data-api-token="`+apiWriteToken(devToken)+`" data-max-bytes="1073741824">`,
		`<label for="upload-file">File</label>`, `<label for="upload-name">Name</label>`, `<label for="upload-redundancy">Redundancy</label>`,
		`<option value="720h">30 days</option>`, `<button type="submit" id="upload-start">Encrypt and upload</button>`,
		`<progress id="seal-bar"`, `<progress id="send-bar"`, `id="upload-error" class="notice notice-bad" role="alert" hidden`,
		"Save this key to open the file in a browser", `<label for="upload-key">Content key</label>`, `id="upload-keyfile"`,
		`<script src="/static/ristretto255.js" defer></script>`, `<script src="/static/chacha20poly1305.js" defer></script>`,
		`<script src="/static/seal.js" defer></script>`, `<script src="/static/storage_upload.js" defer></script>`,
		"only ever see the ciphertext",
	)
	if strings.Contains(body, `id="upload-payment"`) {
		t.Error("a gateway without a chain asks for a storage deal")
	}
	for _, js := range []string{"ristretto255.js", "chacha20poly1305.js", "seal.js", "storage_upload.js", "storage_download.js"} {
		code, h, src := get(t, srv, "/static/"+js)
		if code != http.StatusOK || !strings.Contains(h.Get("Content-Type"), "javascript") || !strings.Contains(src, `"use strict"`) {
			t.Errorf("/static/%s: %d %q", js, code, h.Get("Content-Type"))
		}
	}
	// Another session has another token; without one there is none.
	if apiWriteToken(devToken) == apiWriteToken(aliceToken) || pageAPIWriteToken(httptest.NewRequest("GET", "/", nil)) != "" {
		t.Error("API write tokens are not bound to the session")
	}
}

func TestUploadPageWithoutSignInOrStorage(t *testing.T) {
	b := newFakeBackend()
	srv := newServer(t, New(b, WithNotFound(errNotFound), WithStorage(newFakeStorage())))
	body := getPage(t, srv, "/storage/new", http.StatusOK)
	wantAll(t, "/storage/new", body, `id="upload-signin"`, "opensky storage put FILE")
	if strings.Contains(body, `id="upload-form"`) {
		t.Error("a gateway that signs no one in offers the upload form")
	}
	srv, c := uploadUI(t, nil, nil)
	body = page(t, c, srv.URL+"/storage/new", http.StatusOK)
	wantAll(t, "/storage/new", body, `id="storage-unavailable"`)
}

func TestUploadPageDeals(t *testing.T) {
	l := newFakeLedger()
	l.deals[devAlice] = []ledger.Deal{
		{ID: "deal-open", Owner: devAlice, Arbiter: "5Arbiter", State: ledger.DealOpen, Amount: 1_100_000, Periods: 3, PeriodBlocks: 1200},
		{ID: "deal-used", Owner: devAlice, Arbiter: "5Arbiter", State: ledger.DealActive, Object: "bafkused", Amount: 1},
		{ID: "deal-other", Owner: devAlice, Arbiter: "5Elsewhere", State: ledger.DealOpen, Amount: 1},
		{ID: "deal-closed", Owner: devAlice, Arbiter: "5Arbiter", State: ledger.DealClosed, Amount: 1},
	}
	srv, c := uploadUI(t, newFakeStorage(), l)
	body := page(t, c, srv.URL+"/storage/new", http.StatusOK)
	wantAll(t, "/storage/new", body, `<label for="upload-deal">Pay from storage deal</label>`,
		`<option value="deal-open">deal-open: $1.100000 for 3 periods of 1,200 blocks</option>`)
	for _, other := range []string{"deal-used", "deal-other", "deal-closed"} {
		if strings.Contains(body, other) {
			t.Errorf("the page offers %s", other)
		}
	}

	l.deals[devAlice] = nil
	body = page(t, c, srv.URL+"/storage/new", http.StatusOK)
	wantAll(t, "/storage/new", body, `id="upload-no-deal"`, "opensky storage put FILE",
		`<button type="submit" id="upload-start" disabled>`)

	l.err = errors.New("chain down")
	body = page(t, c, srv.URL+"/storage/new", http.StatusOK)
	wantAll(t, "/storage/new", body, "could not be listed")
}

func TestCheckAPIWrite(t *testing.T) {
	req := func(cookie, token, origin string) *http.Request {
		r := httptest.NewRequest("POST", "http://gw.test/api/v1/storage", nil)
		if cookie != "" {
			r.AddCookie(&http.Cookie{Name: auth.SessionCookieName("gw.test"), Value: cookie})
		}
		if token != "" {
			r.Header.Set(APIWriteHeader, token)
		}
		if origin != "" {
			r.Header.Set("Origin", origin)
		}
		return r
	}
	good := apiWriteToken(devToken)
	if err := CheckAPIWrite(req(devToken, good, "http://gw.test")); err != nil {
		t.Fatalf("the page's own request: %v", err)
	}
	for name, r := range map[string]*http.Request{
		"no cookie":       req("", good, "http://gw.test"),
		"no token":        req(devToken, "", "http://gw.test"),
		"another's token": req(devToken, apiWriteToken(aliceToken), "http://gw.test"),
		"a form token":    req(devToken, newFormTokens().mint(t0), "http://gw.test"),
		"another origin":  req(devToken, good, "http://evil.test"),
		"no origin":       req(devToken, good, ""),
		"cross-site by fetch": func() *http.Request {
			r := req(devToken, good, "http://gw.test")
			r.Header.Set("Sec-Fetch-Site", "cross-site")
			return r
		}(),
	} {
		if err := CheckAPIWrite(r); !errors.Is(err, ErrAPIWrite) {
			t.Errorf("%s: %v, want ErrAPIWrite", name, err)
		}
	}
}

func TestSaveAs(t *testing.T) {
	for name, want := range map[string]string{
		"photo.jpg":          "photo.jpg",
		"photos/":            "photos.tar",
		"a/b/c.txt":          "c.txt",
		`..\evil.exe`:        "evil.exe",
		"":                   "bafkcid",
		"..":                 "bafkcid",
		"bad\x00<name>?.txt": "bad__name__.txt",
	} {
		if got := saveAs(&api.StoredObject{CID: "bafkcid", Name: name}); got != want {
			t.Errorf("saveAs(%q) = %q, want %q", name, got, want)
		}
	}
}
