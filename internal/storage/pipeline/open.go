package pipeline

import (
	"context"
	"errors"
	"io"

	"github.com/opensky-network/opensky/internal/storage"
	"github.com/opensky-network/opensky/internal/storage/erasure"
	"github.com/opensky-network/opensky/internal/storage/seal"
)

// Open writes the plaintext of a sealed object to w: it decodes the
// ciphertext from sources (erasure.Decode, with opts) and opens it under
// key as it streams. Only authenticated plaintext reaches w; on any
// error, what was written is a prefix of the plaintext.
func Open(ctx context.Context, l storage.Layout, key seal.Key, s Sealed, sources []erasure.Source, w io.Writer, opts ...erasure.Option) error {
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := erasure.Decode(ctx, l, s.CipherLen, s.Roots, sources, pw, opts...)
		pw.CloseWithError(err)
		done <- err
	}()
	r, err := seal.NewReader(pr, key, s.CipherLen)
	if err == nil {
		_, err = io.Copy(w, r)
	}
	// Stop the decoder if the reader or w gave up first. A decoder error
	// of its own says why the ciphertext could not be had; one caused by
	// that stop says nothing.
	pr.CloseWithError(errStopped)
	if derr := <-done; derr != nil && !errors.Is(derr, errStopped) {
		return derr
	}
	return err
}

// errStopped ends the decoder when its output is no longer read.
var errStopped = errors.New("pipeline: plaintext no longer read")
