package wasm

import (
	"crypto/sha256"
	"encoding/binary"
	"io"
	"math/rand/v2"
)

// seedDomain separates the task seed expansion from other uses of the
// seed.
const seedDomain = "opensky/wasm/random/v1"

// randSource returns the task's source of random bytes: ChaCha8 keyed by
// the SHA-256 of the seed, so that every replica of a task reads the same
// bytes.
func randSource(seed uint64) io.Reader {
	h := sha256.New()
	h.Write([]byte(seedDomain))
	h.Write(binary.BigEndian.AppendUint64(nil, seed))
	var key [32]byte
	h.Sum(key[:0])
	return rand.NewChaCha8(key)
}
