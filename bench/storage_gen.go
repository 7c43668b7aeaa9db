package main

import (
	"bytes"
	"fmt"
	mrand "math/rand/v2"
)

// Plaintext for the storage benchmark comes from a generator that costs
// about a memory copy, so that it takes almost nothing from the stages
// measured: 64 KiB blocks, each a window of a 1 MiB table of random bytes
// chosen by the block's number, with the number mixed into the block's
// first bytes so that no two blocks of an object are alike.
const (
	genBlock = 64 << 10
	genTable = 1 << 20
)

// plainGen is a deterministic, endless stream of plaintext.
type plainGen struct {
	table []byte
	pos   int64
}

// newPlainGen returns the stream of seed; equal seeds give equal streams.
func newPlainGen(seed uint64) *plainGen {
	var s [32]byte
	for i := range 8 {
		s[i] = byte(seed >> (8 * i))
	}
	g := &plainGen{table: make([]byte, genTable)}
	mrand.NewChaCha8(s).Read(g.table)
	return g
}

// Read fills p with the next bytes of the stream; it never fails.
func (g *plainGen) Read(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		b, off := uint64(g.pos/genBlock), int(g.pos%genBlock)
		start := int(b*0x9e3779b97f4a7c15>>40) % (genTable - genBlock)
		c := copy(p, g.table[start+off:start+genBlock])
		for i := off; i < 8 && i < off+c; i++ {
			p[i-off] ^= byte(b >> (8 * i))
		}
		p = p[c:]
		g.pos += int64(c)
	}
	return n, nil
}

// plainCheck is a writer that compares what it is given with the stream
// of a seed, and counts the bytes.
type plainCheck struct {
	want *plainGen
	buf  []byte
	n    int64
}

func newPlainCheck(seed uint64) *plainCheck {
	return &plainCheck{want: newPlainGen(seed), buf: make([]byte, genBlock)}
}

func (c *plainCheck) Write(p []byte) (int, error) {
	for done := 0; done < len(p); {
		k := min(len(p)-done, len(c.buf))
		c.want.Read(c.buf[:k])
		if !bytes.Equal(p[done:done+k], c.buf[:k]) {
			return done, fmt.Errorf("plaintext differs from what was stored, near byte %d", c.n)
		}
		done += k
		c.n += int64(k)
	}
	return len(p), nil
}
