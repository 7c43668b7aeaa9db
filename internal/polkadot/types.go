package polkadot

import (
	"encoding/hex"
	"fmt"
	"strings"

	"golang.org/x/crypto/blake2b"
)

// Hash is a 32-byte block or extrinsic hash (blake2_256 on Polkadot).
type Hash [32]byte

// Hex returns the hash as 0x-prefixed lower-case hex, the form JSON-RPC
// uses.
func (h Hash) Hex() string { return "0x" + hex.EncodeToString(h[:]) }

// String returns Hex.
func (h Hash) String() string { return h.Hex() }

// IsZero reports whether every byte of the hash is zero.
func (h Hash) IsZero() bool { return h == Hash{} }

// MarshalText encodes the hash as Hex, so that it is a JSON string.
func (h Hash) MarshalText() ([]byte, error) { return []byte(h.Hex()), nil }

// UnmarshalText parses what MarshalText produces.
func (h *Hash) UnmarshalText(b []byte) error {
	v, err := ParseHash(string(b))
	if err != nil {
		return err
	}
	*h = v
	return nil
}

// ParseHash parses a 32-byte hash written as hex, with or without 0x.
func ParseHash(s string) (Hash, error) {
	var h Hash
	t := strings.TrimPrefix(strings.TrimPrefix(s, "0x"), "0X")
	if len(t) != 2*len(h) {
		return h, fmt.Errorf("polkadot: hash %.80q: want %d hex digits, got %d", s, 2*len(h), len(t))
	}
	if _, err := hex.Decode(h[:], []byte(t)); err != nil {
		return Hash{}, fmt.Errorf("polkadot: hash %.80q: %w", s, err)
	}
	return h, nil
}

// AccountID is a 32-byte account, the sr25519 public key of its owner.
type AccountID [32]byte

// Hex returns the account as 0x-prefixed hex.
func (a AccountID) Hex() string { return "0x" + hex.EncodeToString(a[:]) }

// Head is a block number and hash.
type Head struct {
	Number uint64
	Hash   Hash
}

// RemarkHash returns blake2_256(memo), the hash System.Remarked reports for
// a remark: the chain keeps the hash, not the memo.
func RemarkHash(memo []byte) Hash { return blake2b.Sum256(memo) }
