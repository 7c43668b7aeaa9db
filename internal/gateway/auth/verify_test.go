package auth

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/opensky-network/opensky/internal/identity"
)

func TestVerifyRefuses(t *testing.T) {
	alice, bob := devAccount(t, "//Alice"), devAccount(t, "//Bob")
	now := time.Unix(1_800_000_000, 0)
	clock := now
	v := NewVerifier(time.Minute, NewNonceCache(time.Minute, 0, 0), func() time.Time { return clock })

	sign := func(s Signer, at time.Time, account string) Credentials {
		req, _ := http.NewRequest("GET", "http://gw:1/api/v1/jobs", nil)
		if err := Sign(req, s, EmptySHA256, at); err != nil {
			t.Fatal(err)
		}
		if account != "" {
			req.Header.Set(HeaderAccount, account)
		}
		c, err := ParseCredentials(req.Header)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	verify := func(c Credentials) error {
		_, err := v.Verify(c, "GET", "gw:1", "/api/v1/jobs")
		return err
	}
	if err := verify(sign(alice, now.Add(59*time.Second), "")); err != nil {
		t.Fatalf("inside the window: %v", err)
	}
	if err := verify(sign(alice, now.Add(-61*time.Second), "")); !errors.Is(err, ErrExpired) {
		t.Errorf("a minute and a second old: %v, want ErrExpired", err)
	}
	if err := verify(sign(alice, now.Add(61*time.Second), "")); !errors.Is(err, ErrExpired) {
		t.Errorf("a minute and a second ahead: %v, want ErrExpired", err)
	}
	if err := verify(sign(bob, now, alice.Address())); !errors.Is(err, ErrBadSignature) {
		t.Errorf("signed by Bob for Alice's address: %v, want ErrBadSignature", err)
	}
	c := sign(alice, now, "")
	if _, err := v.Verify(c, "GET", "gw:1", "/api/v1/jobs?phase=running"); !errors.Is(err, ErrBadSignature) {
		t.Errorf("another target: %v", err)
	}
	if _, err := v.Verify(c, "DELETE", "gw:1", "/api/v1/jobs"); !errors.Is(err, ErrBadSignature) {
		t.Errorf("another method: %v", err)
	}
	if _, err := v.Verify(c, "GET", "other:1", "/api/v1/jobs"); !errors.Is(err, ErrBadSignature) {
		t.Errorf("another gateway: %v", err)
	}
	// A bad signature does not spend the nonce: the genuine request
	// still goes through once.
	if err := verify(c); err != nil {
		t.Fatalf("the genuine request: %v", err)
	}
	if err := verify(c); !errors.Is(err, ErrReplay) {
		t.Errorf("replayed: %v", err)
	}
	// The Polkadot form of the same key is the same account, but only
	// when the signature covers the form sent.
	pc := sign(alice, now, "")
	pc.Account = identity.PolkadotAddressOf(alice.PublicKey())
	if err := verify(pc); !errors.Is(err, ErrBadSignature) {
		t.Errorf("a signature over the Substrate form with the Polkadot form sent: %v", err)
	}
	acct, err := v.Verify(sign(polkadotSigner{alice}, now, ""), "GET", "gw:1", "/api/v1/jobs")
	if err != nil || acct != alice.Address() {
		t.Errorf("signed with the Polkadot form: %q %v, want %s", acct, err, alice.Address())
	}
}

// polkadotSigner names its account in the Polkadot form.
type polkadotSigner struct{ a *identity.Account }

func (p polkadotSigner) Address() string                 { return identity.PolkadotAddressOf(p.a.PublicKey()) }
func (p polkadotSigner) Sign(msg []byte) ([]byte, error) { return p.a.Sign(msg) }

func TestNonceCacheWindowAndCaps(t *testing.T) {
	t0 := time.Unix(1_800_000_000, 0)
	c := NewNonceCache(time.Minute, 3, 5) // generations of 2 minutes
	add := func(acct, n string, at time.Duration) error { return c.Add(acct, n, t0.Add(at)) }
	for i, n := range []string{"n1", "n2", "n3"} {
		if err := add("a", n, time.Duration(i)*time.Second); err != nil {
			t.Fatal(err)
		}
	}
	if err := add("a", "n4", 3*time.Second); !errors.Is(err, ErrTooManyNonces) {
		t.Fatalf("fourth nonce of a: %v, want ErrTooManyNonces", err)
	}
	if err := add("b", "n1", 4*time.Second); err != nil {
		t.Fatalf("another account's same nonce: %v", err)
	}
	if err := add("b", "n2", 5*time.Second); err != nil {
		t.Fatal(err)
	}
	if err := add("c", "n1", 6*time.Second); !errors.Is(err, ErrTooManyNonces) {
		t.Fatalf("sixth nonce overall: %v", err)
	}
	// After one generation the nonces are still remembered (a replay
	// within 2×skew of its first use is refused) ...
	if err := add("a", "n1", 2*time.Minute+time.Second); !errors.Is(err, ErrReplay) {
		t.Fatalf("n1 again after 2m: %v, want ErrReplay", err)
	}
	// ... and after two they are gone, the caps free again.
	if err := add("a", "n1", 4*time.Minute+2*time.Second); err != nil {
		t.Fatalf("n1 after 4m: %v", err)
	}
	if c.Len() != 1 {
		t.Fatalf("%d nonces held, want 1", c.Len())
	}
	if d := c.RetryAfter(t0.Add(4*time.Minute + 3*time.Second)); d <= 0 || d > 2*time.Minute {
		t.Fatalf("RetryAfter %s", d)
	}
}
