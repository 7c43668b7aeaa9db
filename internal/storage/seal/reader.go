package seal

import (
	"crypto/cipher"
	"errors"
	"fmt"
	"io"

	"github.com/opensky-network/opensky/internal/storage"
)

// reader opens a ciphertext stream chunk by chunk.
type reader struct {
	r         io.Reader
	aead      cipher.AEAD
	buf       []byte // one sealed chunk
	plain     []byte // the unread part of the last opened chunk
	chunk     int
	remaining int64 // ciphertext bytes not yet read
	counter   uint64
	nonce     [12]byte
	err       error
}

// NewReader returns the plaintext of the ciphertext stream r of exactly
// cipherLen bytes sealed under key. It reads and authenticates a whole
// chunk before returning any byte of it, so it never returns a byte that
// was not authenticated. A chunk that fails authentication (a flipped
// bit, a reordered or dropped chunk, the wrong key), a stream shorter than
// cipherLen or one with bytes after it gives an error wrapping
// storage.ErrCorrupt, and so does every Read after it. An impossible
// cipherLen is refused at once with ErrLength.
func NewReader(r io.Reader, key Key, cipherLen int64) (io.Reader, error) {
	return newReader(r, key, cipherLen, ChunkSize)
}

// newReader is NewReader with chunks of chunk plaintext bytes.
func newReader(r io.Reader, key Key, cipher int64, chunk int) (*reader, error) {
	if _, err := plainLen(cipher, chunk); err != nil {
		return nil, err
	}
	return &reader{
		r: r, aead: key.aead(), chunk: chunk, remaining: cipher,
		buf: make([]byte, int(min(cipher, int64(chunk+Overhead)))),
	}, nil
}

// Read returns authenticated plaintext.
func (r *reader) Read(p []byte) (int, error) {
	for len(r.plain) == 0 {
		if r.err != nil {
			return 0, r.err
		}
		if len(p) == 0 {
			return 0, nil
		}
		r.err = r.next()
	}
	n := copy(p, r.plain)
	r.plain = r.plain[n:]
	return n, nil
}

// next reads and opens the next chunk, or returns io.EOF after the last.
func (r *reader) next() error {
	if r.remaining == 0 {
		return io.EOF
	}
	size := int(min(r.remaining, int64(r.chunk+Overhead)))
	last := int64(size) == r.remaining
	if _, err := io.ReadFull(r.r, r.buf[:size]); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return fmt.Errorf("%w: ciphertext ends inside chunk %d, %d bytes short: %w",
				storage.ErrCorrupt, r.counter, r.remaining, io.ErrUnexpectedEOF)
		}
		return fmt.Errorf("seal: read chunk %d: %w", r.counter, err)
	}
	chunkNonce(&r.nonce, r.counter, last)
	plain, err := r.aead.Open(r.buf[:0], r.nonce[:], r.buf[:size], chunkAAD)
	if err != nil {
		return fmt.Errorf("%w: chunk %d fails authentication", storage.ErrCorrupt, r.counter)
	}
	r.remaining -= int64(size)
	r.counter++
	if last {
		if err := r.checkEnd(); err != nil {
			return err
		}
	}
	r.plain = plain
	return nil
}

// checkEnd makes sure nothing follows the last chunk.
func (r *reader) checkEnd() error {
	var one [1]byte
	n, err := io.ReadFull(r.r, one[:])
	switch {
	case n > 0:
		return fmt.Errorf("%w: data after the last chunk", storage.ErrCorrupt)
	case errors.Is(err, io.EOF):
		return nil
	default:
		return fmt.Errorf("seal: read after the last chunk: %w", err)
	}
}
