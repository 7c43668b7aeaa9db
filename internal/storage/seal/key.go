package seal

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"fmt"
)

// Key is an object's AES-256 key. Every object has its own, made by
// NewKey; the owner keeps it only wrapped (WrapKey).
type Key [32]byte

// NewKey returns a fresh random key.
func NewKey() (Key, error) {
	var k Key
	if _, err := rand.Read(k[:]); err != nil {
		return k, fmt.Errorf("seal: key entropy: %w", err)
	}
	return k, nil
}

// String hides the key, so that printing one never leaks it.
func (k Key) String() string { return "seal.Key(…)" }

// GoString hides the key for %#v too.
func (k Key) GoString() string { return k.String() }

// aead returns AES-256-GCM under k.
func (k *Key) aead() cipher.AEAD {
	block, err := aes.NewCipher(k[:])
	if err != nil {
		panic("seal: AES-256 refused a 32-byte key: " + err.Error())
	}
	g, err := cipher.NewGCM(block)
	if err != nil {
		panic("seal: GCM refused AES: " + err.Error())
	}
	return g
}
