package erasure

import (
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/klauspost/reedsolomon"

	"github.com/opensky-network/opensky/internal/storage"
	"github.com/opensky-network/opensky/internal/storage/merkle"
)

// Encoder splits a ciphertext stream into the k+m shards of a layout. It
// takes the ciphertext in writes of any size and writes each shard's
// pieces, in order, to that shard's writer as batches of stripes fill.
// The writers of one batch run concurrently, while the next batch fills;
// memory is two batches of k+m pieces per stripe, allocated once. Close
// must be called, even after an error: it waits for every writer.
type Encoder struct {
	l         storage.Layout
	cipherLen int64
	written   int64
	shards    []io.Writer
	rs        reedsolomon.Encoder // nil without parity
	perBatch  int                 // stripes per batch
	bufs      [2]batch
	cur       int   // the batch being filled
	fill      int64 // ciphertext bytes in the current batch
	pieces    int64 // pieces handed to each shard's writer
	trees     []merkle.Builder
	hashers   []merkle.LeafHasher
	shardErrs []error // set by each shard's writer goroutine
	wg        sync.WaitGroup
	err       error
	closed    bool
	roots     []storage.Hash
}

// batch is the pieces of a few stripes, per shard.
type batch struct {
	shards [][]byte // per shard, perBatch pieces
	views  [][]byte // shards cut to the stripes in use
}

// NewEncoder returns an Encoder for an object of cipherLen bytes in
// layout l, writing shard i to shards[i].
func NewEncoder(l storage.Layout, cipherLen int64, shards []io.Writer) (*Encoder, error) {
	if err := l.Validate(); err != nil {
		return nil, err
	}
	if cipherLen < 0 {
		return nil, fmt.Errorf("erasure: negative ciphertext length %d", cipherLen)
	}
	if len(shards) != l.Shards() {
		return nil, fmt.Errorf("erasure: layout %s needs %d shard writers, got %d", l, l.Shards(), len(shards))
	}
	for i, w := range shards {
		if w == nil {
			return nil, fmt.Errorf("erasure: shard %d has no writer", i)
		}
	}
	rs, err := newCoder(l)
	if err != nil {
		return nil, err
	}
	n := l.Shards()
	e := &Encoder{
		l: l, cipherLen: cipherLen, shards: shards, rs: rs,
		perBatch:  stripesPerBatch(l, l.Pieces(cipherLen)),
		trees:     make([]merkle.Builder, n),
		hashers:   make([]merkle.LeafHasher, n),
		shardErrs: make([]error, n),
	}
	for b := range e.bufs {
		e.bufs[b] = batch{shards: make([][]byte, n), views: make([][]byte, n)}
		for i := range n {
			e.bufs[b].shards[i] = make([]byte, e.perBatch*storage.PieceSize)
		}
	}
	return e, nil
}

// newCoder returns the Reed-Solomon coder of l, or nil without parity.
func newCoder(l storage.Layout) (reedsolomon.Encoder, error) {
	if l.Parity == 0 {
		return nil, nil
	}
	rs, err := reedsolomon.New(l.Data, l.Parity)
	if err != nil {
		return nil, fmt.Errorf("erasure: layout %s: %w", l, err)
	}
	return rs, nil
}

// Write takes the next bytes of ciphertext. Bytes past the declared
// length are refused; a shard writer's error is returned, naming the
// shard, from the Write (or Close) after it happens.
func (e *Encoder) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	if e.closed {
		return 0, errors.New("erasure: write to a closed Encoder")
	}
	n := 0
	if over := int64(len(p)) - (e.cipherLen - e.written); over > 0 {
		e.err = fmt.Errorf("erasure: %d bytes of ciphertext written, more than the declared %d", e.written+int64(len(p)), e.cipherLen)
		p = p[:len(p)-int(over)]
	}
	stripe := e.l.StripeSize()
	for len(p) > 0 {
		s, pos := e.fill/stripe, e.fill%stripe
		i, off := pos/storage.PieceSize, pos%storage.PieceSize
		start := s*storage.PieceSize + off
		c := copy(e.bufs[e.cur].shards[i][start:(s+1)*storage.PieceSize], p)
		e.fill += int64(c)
		e.written += int64(c)
		n += c
		p = p[c:]
		if e.fill == int64(e.perBatch)*stripe {
			if err := e.flush(e.perBatch); err != nil {
				return n, err
			}
		}
	}
	return n, e.err
}

// Close checks that exactly the declared ciphertext was written, pads and
// writes the last stripes, waits for every shard writer and computes the
// roots. It does not close the shard writers.
func (e *Encoder) Close() error {
	if e.closed {
		return e.err
	}
	e.closed = true
	if e.err == nil && e.written != e.cipherLen {
		e.err = fmt.Errorf("erasure: %d bytes of ciphertext written, want %d", e.written, e.cipherLen)
	}
	if e.err == nil {
		e.flushLast()
	}
	e.wg.Wait()
	if e.err == nil {
		e.err = errors.Join(e.shardErrs...)
	}
	if e.err == nil && e.pieces != e.l.Pieces(e.cipherLen) {
		panic(fmt.Sprintf("erasure: wrote %d pieces per shard, layout says %d", e.pieces, e.l.Pieces(e.cipherLen)))
	}
	if e.err != nil {
		return e.err
	}
	e.roots = make([]storage.Hash, len(e.trees))
	for i := range e.trees {
		e.roots[i] = e.trees[i].Root()
	}
	return nil
}

// flushLast zero-pads the current batch's last stripe and writes the
// batch; an empty object writes one stripe of zeros.
func (e *Encoder) flushLast() {
	stripe := e.l.StripeSize()
	stripes := (e.fill + stripe - 1) / stripe
	if stripes == 0 && e.pieces == 0 {
		stripes = 1
	}
	for pos := e.fill; pos < stripes*stripe; {
		s, in := pos/stripe, pos%stripe
		i, off := in/storage.PieceSize, in%storage.PieceSize
		clear(e.bufs[e.cur].shards[i][s*storage.PieceSize+off : (s+1)*storage.PieceSize])
		pos += storage.PieceSize - off
	}
	if stripes > 0 {
		e.flush(int(stripes))
	}
}

// Roots returns each shard's Merkle root, after a successful Close.
func (e *Encoder) Roots() []storage.Hash {
	if e.roots == nil {
		return nil
	}
	return append([]storage.Hash(nil), e.roots...)
}

// Pieces is the number of pieces every shard of the object has.
func (e *Encoder) Pieces() int64 { return e.l.Pieces(e.cipherLen) }

// flush computes the parity of the current batch's first n stripes and
// hands the batch to the shard writers, once the previous batch's
// writers are done.
func (e *Encoder) flush(n int) error {
	b := &e.bufs[e.cur]
	size := n * storage.PieceSize
	for i := range b.views {
		b.views[i] = b.shards[i][:size]
	}
	if e.rs != nil {
		// Reed-Solomon works column by column, so coding n stripes' pieces
		// back to back is coding each stripe on its own.
		if err := e.rs.Encode(b.views); err != nil {
			e.err = fmt.Errorf("erasure: parity: %w", err)
			return e.err
		}
	}
	e.wg.Wait()
	if err := errors.Join(e.shardErrs...); err != nil {
		e.err = err
		return err
	}
	e.wg.Add(len(b.views))
	for i := range b.views {
		go e.emit(i, b.views[i])
	}
	e.cur ^= 1
	e.fill = 0
	e.pieces += int64(n)
	return nil
}

// emit adds the leaves of shard i's pieces in data to its tree and writes
// them to its writer.
func (e *Encoder) emit(i int, data []byte) {
	defer e.wg.Done()
	for p := data; len(p) > 0; p = p[storage.PieceSize:] {
		e.trees[i].Add(e.hashers[i].Leaf(p[:storage.PieceSize]))
	}
	if _, err := e.shards[i].Write(data); err != nil {
		e.shardErrs[i] = fmt.Errorf("erasure: shard %d: %w", i, err)
	}
}
