package seal

import (
	"bytes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/sha256"
	"errors"
	"testing"

	"github.com/gtank/ristretto255"
	"golang.org/x/crypto/chacha20poly1305"

	"github.com/opensky-network/opensky/internal/identity"
)

func account(t testing.TB, uri string) *identity.Account {
	t.Helper()
	a, err := identity.AccountFromURI(uri)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestWrapUnwrap(t *testing.T) {
	alice := account(t, "//Alice")
	key, _ := NewKey()
	wrapped, err := WrapKey(alice.PublicKey(), key)
	if err != nil {
		t.Fatal(err)
	}
	if len(wrapped) != WrappedKeySize || WrappedKeySize != 80 {
		t.Fatalf("wrapped key is %d bytes, want 80", len(wrapped))
	}
	if bytes.Contains(wrapped, key[:8]) {
		t.Fatal("wrapped key contains the key")
	}
	got, err := UnwrapKey(alice, wrapped)
	if err != nil {
		t.Fatal(err)
	}
	if got != key {
		t.Fatal("unwrapped a different key")
	}
	again, _ := WrapKey(alice.PublicKey(), key)
	if bytes.Equal(again, wrapped) {
		t.Fatal("two wraps of one key are equal: the ephemeral key is not fresh")
	}
	// A soft-derived owner works too.
	soft := account(t, "//Alice/soft")
	w2, _ := WrapKey(soft.PublicKey(), key)
	if got, err := UnwrapKey(soft, w2); err != nil || got != key {
		t.Fatalf("soft-derived account: %v", err)
	}
}

func TestUnwrapRefuses(t *testing.T) {
	alice, bob := account(t, "//Alice"), account(t, "//Bob")
	key, _ := NewKey()
	wrapped, _ := WrapKey(alice.PublicKey(), key)
	if k, err := UnwrapKey(bob, wrapped); !errors.Is(err, ErrUnwrap) || k != (Key{}) {
		t.Fatalf("Bob unwrapped Alice's key: %v", err)
	}
	for i := range wrapped {
		bad := bytes.Clone(wrapped)
		bad[i] ^= 0x40
		if _, err := UnwrapKey(alice, bad); !errors.Is(err, ErrUnwrap) {
			t.Fatalf("flip at %d: err = %v", i, err)
		}
	}
	for _, n := range []int{0, 32, WrappedKeySize - 1, WrappedKeySize + 1} {
		b := make([]byte, n)
		copy(b, wrapped)
		if _, err := UnwrapKey(alice, b); !errors.Is(err, ErrUnwrap) {
			t.Fatalf("%d bytes: err = %v", n, err)
		}
	}
	if _, err := WrapKey([32]byte{}, key); !errors.Is(err, identity.ErrInvalidPeer) {
		t.Fatalf("identity owner: err = %v", err)
	}
	var bad [32]byte
	bad[0] = 1
	if _, err := WrapKey(bad, key); !errors.Is(err, identity.ErrInvalidPeer) {
		t.Fatalf("invalid owner: err = %v", err)
	}
}

// TestWrapLayout opens a wrapped key by hand, as the package doc
// describes it, with the owner's Diffie-Hellman point.
func TestWrapLayout(t *testing.T) {
	alice := account(t, "//Alice")
	key, _ := NewKey()
	wrapped, _ := WrapKey(alice.PublicKey(), key)
	var e ristretto255.Element
	if err := e.Decode(wrapped[:32]); err != nil {
		t.Fatalf("E: %v", err)
	}
	shared, err := alice.Agree([32]byte(wrapped[:32]))
	if err != nil {
		t.Fatal(err)
	}
	pub := alice.PublicKey()
	secret := append(append(shared[:], wrapped[:32]...), pub[:]...)
	k, _ := hkdf.Key(sha256.New, secret, nil, "opensky/storage/key-wrap/1", 32)
	var aead cipher.AEAD
	aead, _ = chacha20poly1305.New(k)
	got, err := aead.Open(nil, make([]byte, 12), wrapped[32:], nil)
	if err != nil || !bytes.Equal(got, key[:]) {
		t.Fatalf("by hand: %v", err)
	}
}
