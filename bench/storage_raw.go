package main

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"io"

	"github.com/klauspost/reedsolomon"
)

// rawChunk is the plaintext bytes the raw baseline seals at a time, the
// chunk size of the owner's stream format.
const rawChunk = 1 << 20

// rawSealCode is the floor under every storage measurement, with no
// OpenSky code: it reads size bytes of plaintext from r, seals each
// 1 MiB chunk with AES-256-GCM and Reed-Solomon-encodes the chunk's
// ciphertext into data+parity shards with the library's defaults. There
// is no hashing, no striping into pieces and no output.
func rawSealCode(r io.Reader, size int64, data, parity int) error {
	var key [32]byte
	if _, err := rand.Read(key[:]); err != nil {
		return err
	}
	block, err := aes.NewCipher(key[:])
	if err != nil {
		return err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return err
	}
	rs, err := reedsolomon.New(data, parity)
	if err != nil {
		return err
	}
	// Each chunk and its tag split into data shards of a size the coder
	// likes (a multiple of 64), parity shards right behind them.
	per := (rawChunk + gcm.Overhead() + data - 1) / data
	per = (per + 63) &^ 63
	buf := make([]byte, (data+parity)*per)
	shards := make([][]byte, data+parity)
	for i := range shards {
		shards[i] = buf[i*per : (i+1)*per]
	}
	var nonce [12]byte
	for c, done := uint64(0), int64(0); done < size || c == 0; c++ {
		n := int(min(rawChunk, size-done))
		if _, err := io.ReadFull(r, buf[:n]); err != nil {
			return fmt.Errorf("raw: read plaintext: %w", err)
		}
		binary.BigEndian.PutUint64(nonce[:], c)
		sealed := gcm.Seal(buf[:0], nonce[:], buf[:n], nil)
		clear(buf[len(sealed) : data*per])
		if err := rs.Encode(shards); err != nil {
			return fmt.Errorf("raw: encode: %w", err)
		}
		done += int64(n)
	}
	return nil
}
