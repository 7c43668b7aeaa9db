package api

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/opensky-network/opensky/internal/gateway/auth"
	"github.com/opensky-network/opensky/internal/identity"
)

// verifyingServer checks every request's signature (or token) the way the
// gateway does and records what it saw.
type verifyingServer struct {
	t        *testing.T
	verifier *auth.Verifier
	mu       sync.Mutex
	accounts []string // "" for an unsigned request
	bodies   []string
	authz    []string
}

func newVerifyingServer(t *testing.T) (*verifyingServer, *httptest.Server) {
	v := &verifyingServer{t: t, verifier: auth.NewVerifier(0, auth.NewNonceCache(0, 0, 0), nil)}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		c, err := auth.ParseCredentials(r.Header)
		acct := ""
		if err == nil && c.Kind == auth.Signed {
			acct, err = v.verifier.Verify(c, r.Method, r.Host, auth.Target(r))
			if err == nil && c.BodySHA256 != auth.BodySHA256(body) {
				err = auth.ErrBodyMismatch
			}
		}
		if err != nil {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = io.WriteString(w, `{"code":"unauthorized","message":"`+err.Error()+`"}`)
			return
		}
		v.mu.Lock()
		v.accounts = append(v.accounts, acct)
		v.bodies = append(v.bodies, string(body))
		v.authz = append(v.authz, r.Header.Get("Authorization"))
		v.mu.Unlock()
		_, _ = io.WriteString(w, `{"hash":"sha256:00","size":1}`)
	}))
	t.Cleanup(ts.Close)
	return v, ts
}

func alice(t *testing.T) *identity.Account {
	t.Helper()
	a, err := identity.AccountFromURI("//Alice")
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestClientSigns: with an account, every request is signed over its
// exact body, whatever kind of reader the body is, and a file is sent
// whole from where it stood.
func TestClientSigns(t *testing.T) {
	v, ts := newVerifyingServer(t)
	a := alice(t)
	c := NewClient(ts.URL, WithAccount(a))
	ctx := context.Background()

	f, err := os.Create(filepath.Join(t.TempDir(), "blob"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	f.WriteString("skip:file body")
	f.Seek(5, io.SeekStart)
	for _, body := range []io.Reader{
		strings.NewReader("a strings.Reader"),
		bytes.NewBufferString("a bytes.Buffer"),
		io.MultiReader(strings.NewReader("a reader "), strings.NewReader("that cannot seek")),
		f,
	} {
		if _, err := c.PutBlob(ctx, body); err != nil {
			t.Fatalf("PutBlob(%T): %v", body, err)
		}
	}
	if _, err := c.GetJob(ctx, "j-1"); err != nil {
		t.Fatalf("GET: %v", err)
	}
	want := []string{"a strings.Reader", "a bytes.Buffer", "a reader that cannot seek", "file body", ""}
	for i, b := range v.bodies {
		if b != want[i] || v.accounts[i] != a.Address() {
			t.Errorf("request %d: body %q from %q, want %q from %s", i, b, v.accounts[i], want[i], a.Address())
		}
	}
}

func TestClientToken(t *testing.T) {
	v, ts := newVerifyingServer(t)
	tok := "osk_aaaaaaaaaaaaaaaa_" + strings.Repeat("A", 43)
	// A token wins over an account.
	c := NewClient(ts.URL, WithAccount(alice(t)), WithToken(tok))
	if _, err := c.GetJob(context.Background(), "j-1"); err != nil {
		t.Fatal(err)
	}
	if v.authz[0] != "Bearer "+tok || v.accounts[0] != "" {
		t.Fatalf("Authorization %q, signed by %q", v.authz[0], v.accounts[0])
	}
}

// TestClientAccountFunc: the account is asked for once, on the first
// request; nil leaves requests unsigned; an error is the requests' error,
// except a cancelled context's, which is asked again.
func TestClientAccountFunc(t *testing.T) {
	v, ts := newVerifyingServer(t)
	a := alice(t)
	calls := 0
	c := NewClient(ts.URL, WithAccountFunc(func(context.Context) (*identity.Account, error) { calls++; return a, nil }))
	for range 3 {
		if _, err := c.GetJob(context.Background(), "j-1"); err != nil {
			t.Fatal(err)
		}
	}
	if calls != 1 || v.accounts[2] != a.Address() {
		t.Fatalf("%d calls, last request from %q", calls, v.accounts[2])
	}

	c = NewClient(ts.URL, WithAccountFunc(func(context.Context) (*identity.Account, error) { return nil, nil }))
	if _, err := c.GetJob(context.Background(), "j-1"); err != nil || v.accounts[3] != "" {
		t.Fatalf("unsigned: %v %q", err, v.accounts[3])
	}

	boom := errors.New("no wallet")
	calls = 0
	c = NewClient(ts.URL, WithAccountFunc(func(ctx context.Context) (*identity.Account, error) {
		calls++
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, boom
	}))
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.GetJob(cancelled, "j-1"); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
	for range 2 {
		if _, err := c.GetJob(context.Background(), "j-1"); !errors.Is(err, boom) {
			t.Fatalf("resolver error: %v", err)
		}
	}
	if calls != 2 {
		t.Fatalf("the resolver ran %d times, want 2 (the cancelled call is not remembered)", calls)
	}
}

// TestClientSignsAtSendTime: each request gets a fresh nonce and
// timestamp, so the same call twice is not a replay.
func TestClientSignsAtSendTime(t *testing.T) {
	_, ts := newVerifyingServer(t)
	c := NewClient(ts.URL, WithAccount(alice(t)))
	for range 2 {
		if _, err := c.CreateToken(context.Background(), TokenRequest{Name: "x"}); err != nil {
			t.Fatal(err)
		}
	}
}
