package pipeline

import (
	"errors"
	"fmt"
	"io"

	"github.com/opensky-network/opensky/internal/storage"
	"github.com/opensky-network/opensky/internal/storage/erasure"
	"github.com/opensky-network/opensky/internal/storage/seal"
)

// Sealed describes an object sealed and encoded by Seal.
type Sealed struct {
	CID       string
	CipherLen int64
	Roots     []storage.Hash
}

// Seal encrypts exactly plainLen bytes of plaintext under key, names the
// ciphertext and encodes it in layout l, writing shard i to shards[i]. A
// plaintext shorter or longer than plainLen is an error.
func Seal(l storage.Layout, key seal.Key, plaintext io.Reader, plainLen int64, shards []io.Writer) (Sealed, error) {
	if plainLen < 0 {
		return Sealed{}, fmt.Errorf("pipeline: negative plaintext length %d", plainLen)
	}
	cipherLen := seal.CipherLen(plainLen)
	enc, err := erasure.NewEncoder(l, cipherLen, shards)
	if err != nil {
		return Sealed{}, err
	}
	var h seal.Hasher
	sw := seal.NewWriter(io.MultiWriter(&h, enc), key)
	n, err := io.CopyN(sw, plaintext, plainLen)
	if err == nil {
		err = checkEnd(plaintext, plainLen)
	} else if errors.Is(err, io.EOF) {
		err = fmt.Errorf("pipeline: plaintext is %d bytes, want %d", n, plainLen)
	}
	if err == nil {
		err = sw.Close()
	}
	if cerr := enc.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return Sealed{}, err
	}
	cid, err := h.Sum()
	if err != nil {
		return Sealed{}, err
	}
	return Sealed{CID: cid, CipherLen: cipherLen, Roots: enc.Roots()}, nil
}

// checkEnd makes sure plaintext has nothing after plainLen bytes.
func checkEnd(plaintext io.Reader, plainLen int64) error {
	var one [1]byte
	n, err := io.ReadFull(plaintext, one[:])
	switch {
	case n > 0:
		return fmt.Errorf("pipeline: plaintext is longer than %d bytes", plainLen)
	case errors.Is(err, io.EOF):
		return nil
	default:
		return fmt.Errorf("pipeline: read plaintext: %w", err)
	}
}

// Pipeline seals plainLen bytes of plaintext under a fresh key and encodes
// them in layout l with every shard discarded: the in-memory pipeline
// alone, as the benchmark runner measures it.
func Pipeline(l storage.Layout, plaintext io.Reader, plainLen int64) (cid string, roots []storage.Hash, err error) {
	key, err := seal.NewKey()
	if err != nil {
		return "", nil, err
	}
	shards := make([]io.Writer, l.Shards())
	for i := range shards {
		shards[i] = io.Discard
	}
	s, err := Seal(l, key, plaintext, plainLen, shards)
	if err != nil {
		return "", nil, err
	}
	return s.CID, s.Roots, nil
}
