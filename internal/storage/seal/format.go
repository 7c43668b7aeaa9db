package seal

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// ChunkSize is the plaintext bytes one sealed chunk carries.
const ChunkSize = 1 << 20

// Overhead is the bytes sealing adds to each chunk: the GCM tag.
const Overhead = 16

// ErrLength is returned for a ciphertext length no plaintext seals to.
var ErrLength = errors.New("seal: impossible ciphertext length")

// chunkAAD is the additional data of every chunk: it keeps a chunk from
// being opened as anything but a chunk of this format.
var chunkAAD = []byte("opensky/seal/chunk/1")

// lastChunkFlag marks the final chunk in the nonce.
const lastChunkFlag = 1

// CipherLen is the ciphertext length of a plaintext of plainLen bytes;
// plainLen must not be negative.
func CipherLen(plainLen int64) int64 { return cipherLen(plainLen, ChunkSize) }

// PlainLen is the plaintext length of a ciphertext of cipherLen bytes, or
// an error wrapping ErrLength when no plaintext has that ciphertext length.
func PlainLen(cipherLen int64) (int64, error) { return plainLen(cipherLen, ChunkSize) }

// cipherLen is CipherLen for chunks of chunk plaintext bytes.
func cipherLen(plain int64, chunk int) int64 {
	chunks := (plain + int64(chunk) - 1) / int64(chunk)
	if chunks == 0 {
		chunks = 1
	}
	return plain + chunks*Overhead
}

// plainLen is PlainLen for chunks of chunk plaintext bytes.
func plainLen(cipher int64, chunk int) (int64, error) {
	sealed := int64(chunk) + Overhead
	full, rest := cipher/sealed, cipher%sealed
	switch {
	case cipher < Overhead:
		return 0, fmt.Errorf("%w: %d bytes is shorter than one chunk's tag", ErrLength, cipher)
	case rest == 0:
		return full * int64(chunk), nil
	case rest < Overhead || rest == Overhead && full > 0:
		// A short chunk needs its tag; an empty last chunk exists only
		// for an empty plaintext.
		return 0, fmt.Errorf("%w: %d bytes", ErrLength, cipher)
	}
	return full*int64(chunk) + rest - Overhead, nil
}

// chunkNonce is the nonce of chunk c: its counter and last flag.
func chunkNonce(nonce *[12]byte, c uint64, last bool) {
	binary.BigEndian.PutUint64(nonce[:8], c)
	var flags uint32
	if last {
		flags = lastChunkFlag
	}
	binary.BigEndian.PutUint32(nonce[8:], flags)
}
