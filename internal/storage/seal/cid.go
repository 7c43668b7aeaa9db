package seal

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/ipfs/go-cid"
	"github.com/multiformats/go-multihash"

	"github.com/opensky-network/opensky/internal/storage"
)

// HeaderSize is the length of the header block a CID addresses.
const HeaderSize = 56

// headerVersion is the version byte of the header block.
const headerVersion = 1

// ErrCID is returned by ParseCID for a string that is not an object CID.
var ErrCID = errors.New("seal: not an object CID")

// maxCIDLen bounds ParseCID's input; an object CID is 59 characters.
const maxCIDLen = 128

// Header returns the header block that names an object: its ciphertext
// length, ChunkSize and the Merkle root over its sealed chunks (layout in
// the package doc).
func Header(cipherLen int64, chunkRoot storage.Hash) [HeaderSize]byte {
	var b [HeaderSize]byte
	copy(b[0:4], "osky")
	b[4] = headerVersion
	binary.BigEndian.PutUint64(b[8:16], uint64(cipherLen))
	binary.BigEndian.PutUint32(b[16:20], ChunkSize)
	copy(b[24:], chunkRoot[:])
	return b
}

// ObjectCID returns the CID of an object: CIDv1, codec raw, sha2-256 of
// its Header, in base32.
func ObjectCID(cipherLen int64, chunkRoot storage.Hash) string {
	h := Header(cipherLen, chunkRoot)
	sum := sha256.Sum256(h[:])
	mh, err := multihash.Encode(sum[:], multihash.SHA2_256)
	if err != nil {
		panic("seal: multihash refused a sha2-256 digest: " + err.Error())
	}
	return cid.NewCidV1(cid.Raw, mh).String()
}

// ParseCID checks that s is an object CID as ObjectCID writes it: a
// lowercase base32 CIDv1 with codec raw and a 32-byte sha2-256 multihash.
// This is the form storage.ShardID accepts.
func ParseCID(s string) error {
	if len(s) == 0 || len(s) > maxCIDLen {
		return fmt.Errorf("%w: %d characters", ErrCID, len(s))
	}
	if s[0] != 'b' {
		return fmt.Errorf("%w: %q is not base32", ErrCID, s)
	}
	c, err := cid.Decode(s)
	if err != nil {
		return fmt.Errorf("%w: %q: %v", ErrCID, s, err)
	}
	if c.Version() != 1 || c.Type() != cid.Raw {
		return fmt.Errorf("%w: %q is not a CIDv1 of codec raw", ErrCID, s)
	}
	dm, err := multihash.Decode(c.Hash())
	if err != nil || dm.Code != multihash.SHA2_256 || dm.Length != sha256.Size {
		return fmt.Errorf("%w: %q does not hash with sha2-256", ErrCID, s)
	}
	if c.String() != s {
		return fmt.Errorf("%w: %q is not in canonical lowercase base32", ErrCID, s)
	}
	return nil
}
