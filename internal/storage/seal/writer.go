package seal

import (
	"crypto/cipher"
	"errors"
	"fmt"
	"io"
)

// Writer seals the plaintext written to it into the stream format and
// writes the ciphertext to the underlying writer. It holds at most one
// chunk, and seals it in place: a Write allocates nothing. Close seals
// the final chunk and must be called; it does not close the underlying
// writer.
type Writer struct {
	w       io.Writer
	aead    cipher.AEAD
	buf     []byte // one chunk and its tag
	n       int    // plaintext bytes in buf
	chunk   int
	counter uint64
	nonce   [12]byte
	err     error
}

// errClosed is returned for a Write after Close.
var errClosed = errors.New("seal: write to a closed Writer")

// NewWriter returns a Writer that seals to w under key.
func NewWriter(w io.Writer, key Key) *Writer { return newWriter(w, key, ChunkSize) }

// newWriter is NewWriter with chunks of chunk plaintext bytes.
func newWriter(w io.Writer, key Key, chunk int) *Writer {
	return &Writer{w: w, aead: key.aead(), buf: make([]byte, chunk+Overhead), chunk: chunk}
}

// Write buffers p, sealing and writing each chunk once the next byte
// shows that it is not the last.
func (w *Writer) Write(p []byte) (int, error) {
	written := 0
	for len(p) > 0 {
		if w.err != nil {
			return written, w.err
		}
		if w.n == w.chunk {
			if err := w.seal(false); err != nil {
				return written, err
			}
		}
		c := copy(w.buf[w.n:w.chunk], p)
		w.n += c
		written += c
		p = p[c:]
	}
	return written, w.err
}

// Close seals and writes the last chunk. Closing twice is an error.
func (w *Writer) Close() error {
	if w.err != nil {
		return w.err
	}
	if err := w.seal(true); err != nil {
		return err
	}
	w.err = errClosed
	return nil
}

// seal encrypts the buffered chunk in place and writes it.
func (w *Writer) seal(last bool) error {
	chunkNonce(&w.nonce, w.counter, last)
	sealed := w.aead.Seal(w.buf[:0], w.nonce[:], w.buf[:w.n], chunkAAD)
	if _, err := w.w.Write(sealed); err != nil {
		w.err = fmt.Errorf("seal: write chunk %d: %w", w.counter, err)
		return w.err
	}
	w.counter++
	w.n = 0
	return nil
}
