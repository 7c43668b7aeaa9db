package gateway

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/gateway/auth"
)

// TestAuthRequired: without credentials every route but the public ones
// answers 401, with a JSON error that says what to do; the public ones
// answer as before.
func TestAuthRequired(t *testing.T) {
	g := newAuthGateway(t, nil, WithChain(newFakeChain()))
	job := g.b.addJob(api.PhaseRunning, 1)
	for _, r := range []struct{ method, path string }{
		{"GET", "/api/v1/jobs"}, {"POST", "/api/v1/jobs"}, {"GET", "/api/v1/jobs/" + job},
		{"POST", "/api/v1/jobs/" + job + "/cancel"}, {"GET", "/api/v1/jobs/" + job + "/logs"},
		{"POST", "/api/v1/blobs"}, {"GET", "/api/v1/tokens"}, {"POST", "/api/v1/tokens"},
		{"DELETE", "/api/v1/tokens/aaaaaaaaaaaaaaaa"}, {"GET", "/api/v1/chain/accounts/" + testAddress},
		{"GET", "/api/v1/chain/market"}, {"POST", "/api/v1/chain/txs"}, {"POST", "/api/v1/chain/faucet"},
	} {
		resp, data := g.do(as{}, r.method, r.path, nil)
		e := wantError(t, resp, data, http.StatusUnauthorized, codeUnauthorized)
		if !strings.Contains(e.Hint, "opensky token create") || resp.Header.Get("WWW-Authenticate") == "" {
			t.Errorf("%s %s: hint %q, WWW-Authenticate %q", r.method, r.path, e.Hint, resp.Header.Get("WWW-Authenticate"))
		}
	}
	for _, p := range []string{"/healthz", "/metrics", "/api/v1/openapi.json", "/api/v1/node", "/api/v1/providers", "/api/v1/chain"} {
		if resp, data := g.do(as{}, "GET", p, nil); resp.StatusCode != http.StatusOK {
			t.Errorf("public GET %s: %d %s", p, resp.StatusCode, data)
		}
	}
	resp, data := g.do(as{}, "GET", "/api/v1/node", nil)
	n := decode[api.Node](t, data)
	if resp.StatusCode != http.StatusOK || n.Auth == nil || !n.Auth.Required || n.Auth.ClockSkewSeconds != 300 ||
		n.Auth.RatePerSecond != DefaultRatePerSecond || n.Auth.Burst != DefaultBurst || n.Auth.DevAccounts {
		t.Fatalf("node auth %+v", n.Auth)
	}
}

// TestSignedRequestRefusals: a signed request goes through once; replayed,
// tampered with (path, query, method, host, body, timestamp), expired or
// signed by a key that is not the named account's, it is refused with 401.
func TestSignedRequestRefusals(t *testing.T) {
	alice, bob := accounts(t)
	g := newAuthGateway(t, nil)
	job := g.b.addOwnedJob(alice.Address(), api.PhaseRunning, 1)

	ok := g.request(as{acct: alice}, "GET", "/api/v1/jobs/"+job, nil, nil)
	if resp, data := g.send(ok); resp.StatusCode != http.StatusOK {
		t.Fatalf("signed request: %d %s", resp.StatusCode, data)
	}
	replay := g.request(as{}, "GET", "/api/v1/jobs/"+job, nil, func(r *http.Request) { r.Header = ok.Header.Clone() })
	resp, data := g.send(replay)
	if e := wantError(t, resp, data, http.StatusUnauthorized, codeUnauthorized); !strings.Contains(e.Message, "already received") {
		t.Errorf("replay: %q", e.Message)
	}

	spec := []byte(validSpecJSON)
	other := []byte(strings.Replace(validSpecJSON, "hello", "HELLO", 1))
	cases := []struct {
		name    string
		method  string
		path    string
		body    []byte
		at      time.Time
		signer  bool // bob signs for alice's address
		tamper  func(*http.Request)
		message string
	}{
		{name: "path", method: "GET", path: "/api/v1/jobs/" + job, tamper: func(r *http.Request) { r.URL.Path = "/api/v1/jobs/job-99" }, message: "signature does not match"},
		{name: "query", method: "POST", path: "/api/v1/jobs/" + job + "/cancel?reason=a", tamper: func(r *http.Request) { r.URL.RawQuery = "reason=b" }, message: "signature does not match"},
		{name: "method", method: "GET", path: "/api/v1/jobs/" + job + "/cancel", tamper: func(r *http.Request) { r.Method = "POST" }, message: "signature does not match"},
		{name: "host", method: "GET", path: "/api/v1/jobs", tamper: func(r *http.Request) { r.Host = "gateway.example" }, message: "signature does not match"},
		{name: "timestamp", method: "GET", path: "/api/v1/jobs", tamper: func(r *http.Request) {
			r.Header.Set(auth.HeaderTimestamp, "1800000001")
		}, message: "signature does not match"},
		{name: "body", method: "POST", path: "/api/v1/jobs", body: spec, tamper: func(r *http.Request) {
			r.Body, r.ContentLength = http.NoBody, int64(len(other))
			r.GetBody = nil
			r.Body = readCloser(other)
		}, message: "body does not match"},
		{name: "body digest", method: "POST", path: "/api/v1/jobs", body: spec, tamper: func(r *http.Request) {
			r.Header.Set(auth.HeaderContentSHA256, auth.BodySHA256(other))
			r.Body, r.ContentLength, r.GetBody = readCloser(other), int64(len(other)), nil
		}, message: "signature does not match"},
		{name: "expired", method: "GET", path: "/api/v1/jobs", at: testEpoch.Add(-5*time.Minute - time.Second), message: "outside the allowed window"},
		{name: "from the future", method: "GET", path: "/api/v1/jobs", at: testEpoch.Add(5*time.Minute + time.Second), message: "outside the allowed window"},
		{name: "wrong key", method: "GET", path: "/api/v1/jobs", signer: true, message: "signature does not match"},
	}
	for _, c := range cases {
		a := as{acct: alice, at: c.at}
		tamper := c.tamper
		if c.signer {
			a.acct = bob
			tamper = func(r *http.Request) { r.Header.Set(auth.HeaderAccount, alice.Address()) }
		}
		before := len(g.b.submitted)
		resp, data := g.send(g.request(a, c.method, c.path, c.body, tamper))
		e := wantError(t, resp, data, http.StatusUnauthorized, codeUnauthorized)
		if !strings.Contains(e.Message, c.message) || e.Hint == "" {
			t.Errorf("%s: message %q (hint %q), want it to say %q", c.name, e.Message, e.Hint, c.message)
		}
		if len(g.b.submitted) != before {
			t.Errorf("%s: the backend got a job", c.name)
		}
	}
	// Inside the window, a few minutes off, is fine.
	if resp, data := g.do(as{acct: alice, at: testEpoch.Add(-4 * time.Minute)}, "GET", "/api/v1/jobs", nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("4 minutes old: %d %s", resp.StatusCode, data)
	}
	// A malformed header is explained.
	resp, data = g.send(g.request(as{acct: alice}, "GET", "/api/v1/jobs", nil, func(r *http.Request) { r.Header.Set(auth.HeaderNonce, "short") }))
	if e := wantError(t, resp, data, http.StatusUnauthorized, codeUnauthorized); !strings.Contains(e.Message, auth.HeaderNonce) {
		t.Errorf("malformed nonce: %q", e.Message)
	}
}

// TestSignedBodies: a body is covered by the signature whatever its size:
// a large one is checked as it streams, and a mismatch stores nothing.
func TestSignedBodies(t *testing.T) {
	alice, _ := accounts(t)
	g := newAuthGateway(t, nil, WithMaxBlobBytes(4<<20))
	big := bytes2MiB()
	resp, data := g.do(as{acct: alice}, "POST", "/api/v1/blobs", big)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("signed 2 MiB upload: %d %s", resp.StatusCode, data)
	}
	if b := decode[api.Blob](t, data); b.Size != int64(len(big)) {
		t.Fatalf("blob %+v", b)
	}
	tampered := append([]byte(nil), big...)
	tampered[len(tampered)-1] ^= 1
	resp, data = g.send(g.request(as{acct: alice}, "POST", "/api/v1/blobs", big, func(r *http.Request) {
		r.Body, r.GetBody = readCloser(tampered), nil
	}))
	wantError(t, resp, data, http.StatusUnauthorized, codeUnauthorized)
	if len(g.b.blobs) != 1 {
		t.Fatalf("%d blobs stored, want only the genuine one", len(g.b.blobs))
	}
	// Streamed without a length (chunked), small and large.
	for _, body := range [][]byte{[]byte("small"), big} {
		resp, data = g.send(g.request(as{acct: alice}, "POST", "/api/v1/blobs", body, func(r *http.Request) {
			r.Body, r.ContentLength, r.GetBody = readCloser(body), -1, nil
		}))
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("chunked %d bytes: %d %s", len(body), resp.StatusCode, data)
		}
	}
	// A body sent where the signature said there was none.
	resp, data = g.send(g.request(as{acct: alice}, "POST", "/api/v1/blobs", nil, func(r *http.Request) {
		r.Body, r.ContentLength, r.GetBody = readCloser([]byte("extra")), 5, nil
	}))
	wantError(t, resp, data, http.StatusUnauthorized, codeUnauthorized)
}

// TestBodyLimitsWithAuth: bodies over a route's limit are still 413 with
// authentication on, declared or streamed, on every route that takes one.
func TestBodyLimitsWithAuth(t *testing.T) {
	alice, _ := accounts(t)
	g := newAuthGateway(t, nil, WithMaxBlobBytes(1024), WithMaxSpecBytes(2048), WithChain(newFakeChain()))
	for _, c := range []struct {
		path string
		n    int
	}{
		{"/api/v1/blobs", 1025},
		{"/api/v1/jobs", 4096},
		{"/api/v1/chain/txs", int(MaxTxBodyBytes) + 1},
		{"/api/v1/chain/faucet", int(maxFaucetBody) + 1},
		{"/api/v1/tokens", int(maxTokenBody) + 1},
	} {
		body := []byte(strings.Repeat("x", c.n))
		for _, chunked := range []bool{false, true} {
			resp, data := g.send(g.request(as{acct: alice}, "POST", c.path, body, func(r *http.Request) {
				if chunked {
					r.Body, r.ContentLength, r.GetBody = readCloser(body), -1, nil
				}
			}))
			wantError(t, resp, data, http.StatusRequestEntityTooLarge, codeTooLarge)
		}
	}
	if len(g.b.blobs) != 0 || len(g.b.submitted) != 0 {
		t.Fatal("an oversized body reached the backend")
	}
}
