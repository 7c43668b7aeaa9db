package gateway

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/gateway/ui"
)

// ownerStorage is a fakeStorage that records who stored what.
type ownerStorage struct {
	fakeStorage
	owners []string
}

func (o *ownerStorage) PutObject(ctx context.Context, owner string, p api.StoragePut, r io.Reader) (*api.StoredObject, error) {
	obj, err := o.fakeStorage.PutObject(ctx, owner, p, r)
	if err == nil {
		o.owners = append(o.owners, owner)
	}
	return obj, err
}

var apiTokenRE = regexp.MustCompile(`data-api-token="([^"]+)"`)

// TestBrowserUpload: the upload page's script stores a file through
// POST /api/v1/storage with the session cookie and the page's API write
// token, as the session's account, with the route's body limit; a write
// with the cookie but without the page's token, from another origin, or
// to another route is refused.
func TestBrowserUpload(t *testing.T) {
	alice, bob := accounts(t)
	st := &ownerStorage{fakeStorage: fakeStorage{failAfter: -1}}
	g := newAuthGateway(t, nil, WithStorage(st), WithUI())
	aliceTok, bobTok := g.newToken(alice, "browser"), g.newToken(bob, "browser")
	c := signedInClient(t, g, aliceTok)

	res, page := clientGet(t, c, g.ts.URL+"/storage/new")
	m := apiTokenRE.FindStringSubmatch(page)
	if res.StatusCode != http.StatusOK || m == nil {
		t.Fatalf("upload page: %d\n%s", res.StatusCode, page)
	}
	pageToken := m[1]
	ciphertext := bytes.Repeat([]byte{7}, 116) // 100 bytes sealed: one chunk and its tag
	const query = "/api/v1/storage?size=100&key=AAAA&cid=bafkfake&name=from-the-page"

	post := func(cookie, token, origin, path string, body []byte) (*http.Response, []byte) {
		t.Helper()
		req := g.request(as{cookie: cookie}, "POST", path, body, func(r *http.Request) {
			if token != "" {
				r.Header.Set(ui.APIWriteHeader, token)
			}
			if origin != "" {
				r.Header.Set("Origin", origin)
			}
			r.Header.Set("Content-Type", "application/octet-stream")
		})
		return g.send(req)
	}

	resp, data := post(aliceTok, pageToken, g.ts.URL, query, ciphertext)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("the page's upload: %d %s", resp.StatusCode, data)
	}
	if len(st.owners) != 1 || st.owners[0] != alice.Address() || !bytes.Equal(st.putBody, ciphertext) || st.put.Name != "from-the-page" {
		t.Fatalf("stored for %v: %q %+v", st.owners, st.putBody, st.put)
	}

	// The body is bounded by the size it declares, as for the CLI.
	resp, data = post(aliceTok, pageToken, g.ts.URL, query, bytes.Repeat([]byte{7}, 4096))
	wantError(t, resp, data, http.StatusRequestEntityTooLarge, codeTooLarge)

	for name, c := range map[string]struct {
		cookie, token, origin, path string
		status                      int
	}{
		"no page token":        {aliceTok, "", g.ts.URL, query, http.StatusForbidden},
		"another origin":       {aliceTok, pageToken, "http://evil.example", query, http.StatusForbidden},
		"another session":      {bobTok, pageToken, g.ts.URL, query, http.StatusForbidden},
		"no cookie":            {"", pageToken, g.ts.URL, query, http.StatusUnauthorized},
		"another write route":  {aliceTok, pageToken, g.ts.URL, "/api/v1/storage/bafkfake/repair", http.StatusUnauthorized},
		"job submission":       {aliceTok, pageToken, g.ts.URL, "/api/v1/jobs", http.StatusUnauthorized},
		"a revoked session":    {"osk_aaaaaaaaaaaaaaaa_" + strings.Repeat("A", 43), pageToken, g.ts.URL, query, http.StatusUnauthorized},
		"a token as the token": {aliceTok, aliceTok, g.ts.URL, query, http.StatusForbidden},
	} {
		resp, data := post(c.cookie, c.token, c.origin, c.path, ciphertext)
		if resp.StatusCode != c.status {
			t.Errorf("%s: %d %s, want %d", name, resp.StatusCode, data, c.status)
		}
	}
	if len(st.owners) != 1 {
		t.Fatalf("%d uploads stored, want only the page's", len(st.owners))
	}
	resp, data = post(aliceTok, "", g.ts.URL, query, ciphertext)
	if e := decode[api.Error](t, data); resp.StatusCode != http.StatusForbidden || !strings.Contains(e.Message, "only this gateway's own pages") {
		t.Errorf("refusal %d %+v", resp.StatusCode, e)
	}
	if strings.Contains(string(data), aliceTok) {
		t.Error("the refusal repeats the session token")
	}
}
