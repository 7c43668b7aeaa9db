package main

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/gateway"
	"github.com/opensky-network/opensky/internal/gateway/auth"
)

// startAuthGateway serves a gateway that requires authentication over the
// scripted backend; dev says whether it is a development network.
func startAuthGateway(t *testing.T, dev bool) string {
	t.Helper()
	tokens, err := auth.OpenTokenStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tokens.Close() })
	b, _ := startGateway(t, nil) // for its backend; its open server is not used
	ts := httptest.NewServer(gateway.New(b, gateway.WithAuth(gateway.AuthConfig{Tokens: tokens, DevAccounts: dev})).Handler())
	t.Cleanup(ts.Close)
	return ts.URL
}

// TestTokenCommands makes a token with the wallet's signature, lists it,
// uses it through OPENSKY_TOKEN, and revokes it.
func TestTokenCommands(t *testing.T) {
	walletEnv(t, "correct horse battery staple")
	if code, _, stderr := walletCLI(t, "//Alice\n", "import", "--uri-stdin"); code != 0 {
		t.Fatalf("import: %s", stderr)
	}
	url := startAuthGateway(t, false)

	code, stdout, stderr := cli(t, url, "", "token", "create", "--name", "ci", "--expires", "30d", "-o", "json")
	if code != 0 {
		t.Fatalf("token create: exit %d: %s", code, stderr)
	}
	var nt api.NewToken
	if err := json.Unmarshal([]byte(stdout), &nt); err != nil || !strings.HasPrefix(nt.Value, "osk_") || nt.Account != aliceAddress || nt.Name != "ci" {
		t.Fatalf("token create -o json: %v\n%s", err, stdout)
	}
	if d := time.Until(nt.ExpiresAt); d < 29*24*time.Hour || d > 31*24*time.Hour {
		t.Errorf("expires in %s, want 30 days", d)
	}
	// The table form prints only the token on stdout.
	code, stdout, stderr = cli(t, url, "", "token", "create")
	if code != 0 || !strings.HasPrefix(stdout, "osk_") || strings.Count(stdout, "\n") != 1 || !strings.Contains(stderr, "shown only now") {
		t.Fatalf("token create: exit %d\n%s\n%s", code, stdout, stderr)
	}

	// With the token, no wallet (or passphrase) is needed.
	t.Setenv(envPassphrase, "wrong")
	t.Setenv(api.EnvToken, nt.Value)
	code, stdout, stderr = cli(t, url, "", "token", "list")
	if code != 0 || !strings.Contains(stdout, nt.ID) || !strings.Contains(stdout, "ci") || strings.Contains(stdout, nt.Value) {
		t.Fatalf("token list: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if code, _, stderr := cli(t, url, "", "job", "list"); code != 0 {
		t.Fatalf("job list with the token: exit %d: %s", code, stderr)
	}
	// Making a token takes the wallet's signature, even with a token set.
	if code, _, stderr := cli(t, url, "", "token", "create"); code == 0 || !strings.Contains(stderr, "wrong passphrase") {
		t.Fatalf("token create with a wrong passphrase: exit %d: %s", code, stderr)
	}

	if code, stdout, stderr := cli(t, url, "", "token", "revoke", nt.ID); code != 0 || !strings.Contains(stdout, "revoked") {
		t.Fatalf("token revoke: exit %d: %s", code, stderr)
	}
	code, _, stderr = cli(t, url, "", "job", "list")
	if code == 0 || !strings.Contains(stderr, "revoked") || !strings.Contains(stderr, "opensky token create") {
		t.Fatalf("job list with a revoked token: exit %d: %s", code, stderr)
	}
	// --token wins over the environment.
	if code, _, stderr := cli(t, url, "", "--token", "osk_aaaaaaaaaaaaaaaa_"+strings.Repeat("A", 43), "job", "list"); code == 0 || !strings.Contains(stderr, "unknown") {
		t.Fatalf("job list with --token: exit %d: %s", code, stderr)
	}
}

// TestSigningAccount: without a wallet, the CLI signs as //Alice on a
// development network and explains what to do on any other; a wallet
// that is named must exist.
func TestSigningAccount(t *testing.T) {
	walletEnv(t, "correct horse battery staple")
	t.Setenv(api.EnvToken, "")
	dev := startAuthGateway(t, true)
	code, stdout, stderr := cli(t, dev, "", "token", "create", "-o", "json")
	if code != 0 || !strings.Contains(stdout, aliceAddress) {
		t.Fatalf("token create on a development network without a wallet: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if code, _, stderr := cli(t, dev, "", "token", "list", "--wallet", "missing"); code == 0 || !strings.Contains(stderr, `no such wallet "missing"`) {
		t.Fatalf("a named wallet that does not exist: exit %d: %s", code, stderr)
	}
	prod := startAuthGateway(t, false)
	code, _, stderr = cli(t, prod, "", "job", "list")
	if code == 0 || !strings.Contains(stderr, "requires authentication") || !strings.Contains(stderr, "opensky wallet new") || !strings.Contains(stderr, api.EnvToken) {
		t.Fatalf("no wallet on a gateway that requires authentication: exit %d: %s", code, stderr)
	}
	// A gateway without authentication gets unsigned requests and no
	// passphrase is asked.
	_, open := startGateway(t, nil)
	t.Setenv(envPassphrase, "")
	if code, _, stderr := cli(t, open, "", "job", "list"); code != 0 {
		t.Fatalf("job list on an open gateway: exit %d: %s", code, stderr)
	}
}

func TestParseExpiry(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Time{
		"":                     {},
		"never":                {},
		"30d":                  now.Add(30 * 24 * time.Hour),
		"90m":                  now.Add(90 * time.Minute),
		"2026-12-31":           time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC),
		"2026-06-01T10:00:00Z": time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC),
	} {
		got, err := parseExpiry(in, now)
		if err != nil || !got.Equal(want) {
			t.Errorf("parseExpiry(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"0d", "-1h", "3651d", "yesterday", "2020-01-01", "1.5d"} {
		if _, err := parseExpiry(in, now); err == nil {
			t.Errorf("parseExpiry(%q) accepted", in)
		}
	}
}
