package seal

import (
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"

	"github.com/gtank/ristretto255"
	"golang.org/x/crypto/chacha20poly1305"

	"github.com/opensky-network/opensky/internal/identity"
)

// WrappedKeySize is the length of a wrapped key: E, the sealed key, the
// tag.
const WrappedKeySize = 32 + len(Key{}) + chacha20poly1305.Overhead

// wrapInfo is the HKDF info string of key wrapping.
const wrapInfo = "opensky/storage/key-wrap/1"

// ErrUnwrap is returned by UnwrapKey when the wrapped key is malformed,
// was wrapped to another account, or was altered.
var ErrUnwrap = errors.New("seal: wrapped key does not open with this account")

// WrapKey encrypts key to the sr25519 public key owner, so that only the
// owner's account can recover it with UnwrapKey. The output is
// WrappedKeySize bytes, laid out as the package doc says. An owner key
// that is not a valid ristretto255 point is refused.
func WrapKey(owner [32]byte, key Key) ([]byte, error) {
	o := ristretto255.NewElement()
	if err := o.Decode(owner[:]); err != nil || o.Equal(ristretto255.NewElement().Zero()) == 1 {
		return nil, fmt.Errorf("seal: wrap key: %w", identity.ErrInvalidPeer)
	}
	var uniform [64]byte
	if _, err := rand.Read(uniform[:]); err != nil {
		return nil, fmt.Errorf("seal: wrap key: entropy: %w", err)
	}
	e := ristretto255.NewScalar().FromUniformBytes(uniform[:])
	out := make([]byte, 32, WrappedKeySize)
	ristretto255.NewElement().ScalarBaseMult(e).Encode(out[:0])
	var shared [32]byte
	ristretto255.NewElement().ScalarMult(e, o).Encode(shared[:0])
	aead, err := wrapAEAD(shared, [32]byte(out), owner)
	if err != nil {
		return nil, err
	}
	var nonce [chacha20poly1305.NonceSize]byte
	return aead.Seal(out, nonce[:], key[:], nil), nil
}

// UnwrapKey recovers a key that WrapKey wrapped to account's public key.
// Anything but an intact wrapped key for this account gives ErrUnwrap.
func UnwrapKey(account *identity.Account, wrapped []byte) (Key, error) {
	var key Key
	if len(wrapped) != WrappedKeySize {
		return key, fmt.Errorf("%w: %d bytes, want %d", ErrUnwrap, len(wrapped), WrappedKeySize)
	}
	ephemeral := [32]byte(wrapped[:32])
	shared, err := account.Agree(ephemeral)
	if err != nil {
		return key, fmt.Errorf("%w: %w", ErrUnwrap, err)
	}
	aead, err := wrapAEAD(shared, ephemeral, account.PublicKey())
	if err != nil {
		return key, err
	}
	var nonce [chacha20poly1305.NonceSize]byte
	if _, err := aead.Open(key[:0], nonce[:], wrapped[32:], nil); err != nil {
		return Key{}, ErrUnwrap
	}
	return key, nil
}

// wrapAEAD derives the one-time wrapping cipher from the shared point,
// the ephemeral point and the owner's key.
func wrapAEAD(shared, ephemeral, owner [32]byte) (cipher.AEAD, error) {
	secret := make([]byte, 0, 96)
	secret = append(append(append(secret, shared[:]...), ephemeral[:]...), owner[:]...)
	k, err := hkdf.Key(sha256.New, secret, nil, wrapInfo, chacha20poly1305.KeySize)
	if err != nil {
		return nil, fmt.Errorf("seal: key-wrap KDF: %w", err)
	}
	aead, err := chacha20poly1305.New(k)
	if err != nil {
		return nil, fmt.Errorf("seal: key-wrap cipher: %w", err)
	}
	return aead, nil
}
