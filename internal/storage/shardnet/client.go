package shardnet

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync/atomic"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/opensky-network/opensky/internal/p2p"
	"github.com/opensky-network/opensky/internal/p2p/wire"
	"github.com/opensky-network/opensky/internal/storage"
	"github.com/opensky-network/opensky/internal/storage/merkle"
)

// Sizes of the client's transfer buffers: whole pieces, large enough that
// per-write costs vanish next to the bytes.
const (
	putChunk  = 64 * storage.PieceSize // 1 MiB
	readChunk = 16 * storage.PieceSize // 256 KiB
)

// ErrProtocol: the provider answered something the protocol does not
// allow (wrong sizes, extra bytes, a root that is not the one asked for).
var ErrProtocol = errors.New("shardnet: provider broke the protocol")

// Client is a storage.ShardStore on one provider, over the storage
// protocol. It is safe for concurrent use; each call is one stream.
type Client struct {
	h *p2p.Host
	p peer.ID
	// callerChecksRoot: Put returns the provider's root unchecked, for
	// a caller that compares it with a root it computed itself.
	callerChecksRoot bool
}

var _ storage.ShardStore = (*Client)(nil)

// ClientOption configures a Client.
type ClientOption func(*Client)

// CallerChecksRoot makes Put return the root the provider reports
// without hashing the data a second time, for a caller that computed the
// shard's root itself and compares the two (the broker does: its encoder
// hashes every piece it sends). A Put with info.Root set is checked by
// the provider either way.
func CallerChecksRoot() ClientOption { return func(c *Client) { c.callerChecksRoot = true } }

// NewClient returns a client of the provider p, reached through h.
func NewClient(h *p2p.Host, p peer.ID, opts ...ClientOption) *Client {
	c := &Client{h: h, p: p}
	for _, o := range opts {
		o(c)
	}
	return c
}

// Provider returns the peer the client talks to.
func (c *Client) Provider() peer.ID { return c.p }

// open starts an exchange and reads the provider's header into hdr.
func (c *Client) open(ctx context.Context, op string, req wire.Message, max int, hdr wire.Message) (*p2p.Stream, error) {
	st, err := c.h.OpenStream(ctx, c.p, Protocol, req)
	if err != nil {
		return nil, clientError(ctx, op, c.p, err)
	}
	if err := st.ReadMessage(max, hdr); err != nil {
		_ = st.Reset()
		return nil, clientError(ctx, op, c.p, err)
	}
	return st, nil
}

// Put implements storage.ShardStore. It streams exactly info.Size()
// bytes from r once the provider has taken the shard's space, so a
// refused Put sends nothing. When info.Root is zero the client computes
// the root as it sends, and takes the provider's only if it agrees.
// Cancelling ctx resets the stream and the provider keeps nothing, unless
// the provider had already committed every byte, in which case the Put
// reports success.
func (c *Client) Put(ctx context.Context, info storage.ShardInfo, r io.Reader) (storage.Hash, error) {
	if err := info.ID.Validate(); err != nil {
		return storage.Hash{}, err
	}
	if err := checkPieces(info.Pieces); err != nil {
		return storage.Hash{}, err
	}
	req := &PutRequest{ID: info.ID, Pieces: info.Pieces}
	if !info.Root.IsZero() {
		req.Root = info.Root.String()
	}
	st, err := c.open(ctx, "put "+info.ID.String(), req, MaxReply, &PutReady{})
	if err != nil {
		return storage.Hash{}, err
	}
	fail := func(err error) (storage.Hash, error) {
		_ = st.Reset()
		return storage.Hash{}, clientError(ctx, "put "+info.ID.String(), c.p, err)
	}

	// The provider may answer before all bytes are in (its disk failed):
	// read the reply alongside, and reset the stream when it comes early,
	// which fails the write in progress or the next one.
	type reply struct {
		done PutDone
		err  error
	}
	var sending atomic.Bool
	sending.Store(true)
	replies := make(chan reply, 1)
	go func() {
		var done PutDone
		err := st.ReadMessage(MaxReply, &done)
		if err != nil || sending.Load() {
			_ = st.Reset()
		}
		replies <- reply{done, err}
	}()

	var (
		tree   merkle.Builder
		hasher merkle.LeafHasher
		buf    = make([]byte, min(putChunk, info.Size()))
		sent   int64
	)
	for sent < info.Size() {
		chunk := buf[:min(int64(len(buf)), info.Size()-sent)]
		if n, err := io.ReadFull(r, chunk); err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				err = fmt.Errorf("data ends after %d of %d bytes: %w", sent+int64(n), info.Size(), io.ErrUnexpectedEOF)
			}
			return fail(err)
		}
		if info.Root.IsZero() && !c.callerChecksRoot {
			for off := 0; off < len(chunk); off += storage.PieceSize {
				tree.Add(hasher.Leaf(chunk[off : off+storage.PieceSize]))
			}
		}
		if err := ctx.Err(); err != nil {
			return fail(err)
		}
		if _, err := st.Write(chunk); err != nil {
			switch rep := <-replies; {
			case rep.err == nil:
				err = fmt.Errorf("%w: put answered after %d of %d bytes", ErrProtocol, sent, info.Size())
			case !errors.Is(rep.err, io.EOF):
				err = rep.err // the provider's reason is the better one
			}
			return fail(err)
		}
		sent += int64(len(chunk))
	}
	sending.Store(false)
	// This fails when the provider answered and reset in between; the
	// reply decides.
	_ = st.CloseWrite()
	rep := <-replies
	if rep.err != nil {
		return fail(rep.err)
	}
	_ = st.Close()
	root, err := parseHash(rep.done.Root)
	if err != nil || rep.done.Pieces != info.Pieces {
		return storage.Hash{}, clientError(ctx, "put "+info.ID.String(), c.p,
			fmt.Errorf("%w: put reply %+v", ErrProtocol, rep.done))
	}
	want := info.Root
	if want.IsZero() {
		if c.callerChecksRoot {
			return root, nil
		}
		want = tree.Root()
	}
	if root != want {
		return storage.Hash{}, clientError(ctx, "put "+info.ID.String(), c.p,
			fmt.Errorf("%w: provider stored root %s, the data has %s", storage.ErrCorrupt, root, want))
	}
	return root, nil
}

// Read implements storage.ShardStore, writing exactly count pieces to w
// or failing.
func (c *Client) Read(ctx context.Context, id storage.ShardID, from, count int64, w io.Writer) error {
	req := &ReadRequest{ID: id, From: from, Count: count}
	if err := req.Validate(); err != nil {
		return err
	}
	op := "read " + id.String()
	var ready ReadReady
	st, err := c.open(ctx, op, req, MaxReply, &ready)
	if err != nil {
		return err
	}
	defer st.Reset() // after Close, a no-op
	size := count * storage.PieceSize
	if ready.Bytes != size {
		return clientError(ctx, op, c.p, fmt.Errorf("%w: %d bytes announced for %d", ErrProtocol, ready.Bytes, size))
	}
	buf := make([]byte, min(readChunk, size))
	for left := size; left > 0; {
		chunk := buf[:min(int64(len(buf)), left)]
		if _, err := io.ReadFull(st, chunk); err != nil {
			return clientError(ctx, op, c.p, fmt.Errorf("after %d of %d bytes: %w", size-left, size, err))
		}
		if _, err := w.Write(chunk); err != nil {
			return fmt.Errorf("shardnet: %s: %w", op, err)
		}
		left -= int64(len(chunk))
	}
	if err := expectEnd(st); err != nil {
		return clientError(ctx, op, c.p, err)
	}
	return nil
}

// Leaves implements storage.ShardStore.
func (c *Client) Leaves(ctx context.Context, id storage.ShardID) ([]storage.Hash, error) {
	req := &LeavesRequest{ID: id}
	if err := req.Validate(); err != nil {
		return nil, err
	}
	op := "leaves of " + id.String()
	var ready LeavesReady
	st, err := c.open(ctx, op, req, MaxReply, &ready)
	if err != nil {
		return nil, err
	}
	defer st.Reset()
	if err := checkPieces(ready.Count); err != nil {
		return nil, clientError(ctx, op, c.p, fmt.Errorf("%w: %w", ErrProtocol, err))
	}
	// Grow as hashes arrive, so that a count is only paid for once sent.
	leaves := make([]storage.Hash, 0, min(ready.Count, 4096))
	buf := make([]byte, min(readChunk, ready.Count*int64(hashSize)))
	for left := ready.Count * int64(hashSize); left > 0; {
		chunk := buf[:min(int64(len(buf)), left)]
		if _, err := io.ReadFull(st, chunk); err != nil {
			return nil, clientError(ctx, op, c.p, fmt.Errorf("after %d of %d leaves: %w", len(leaves), ready.Count, err))
		}
		for off := 0; off < len(chunk); off += hashSize {
			leaves = append(leaves, storage.Hash(chunk[off:off+hashSize]))
		}
		left -= int64(len(chunk))
	}
	if err := expectEnd(st); err != nil {
		return nil, clientError(ctx, op, c.p, err)
	}
	return leaves, nil
}

// Prove implements storage.ShardStore.
func (c *Client) Prove(ctx context.Context, id storage.ShardID, indices []int64) ([]storage.Proof, error) {
	req := &ProveRequest{ID: id, Indices: indices}
	if err := req.Validate(); err != nil {
		return nil, err
	}
	op := "prove " + id.String()
	var reply ProveReply
	st, err := c.open(ctx, op, req, MaxProveReply, &reply)
	if err != nil {
		return nil, err
	}
	_ = st.Close()
	proofs, err := reply.proofs(indices)
	if err != nil {
		return nil, clientError(ctx, op, c.p, fmt.Errorf("%w: %w", ErrProtocol, err))
	}
	return proofs, nil
}

// Stat implements storage.ShardStore.
func (c *Client) Stat(ctx context.Context, id storage.ShardID) (storage.ShardInfo, error) {
	req := &StatRequest{ID: id}
	if err := req.Validate(); err != nil {
		return storage.ShardInfo{}, err
	}
	op := "stat " + id.String()
	var reply StatReply
	st, err := c.open(ctx, op, req, MaxReply, &reply)
	if err != nil {
		return storage.ShardInfo{}, err
	}
	_ = st.Close()
	info, err := reply.info(id)
	if err != nil {
		return storage.ShardInfo{}, clientError(ctx, op, c.p, fmt.Errorf("%w: %w", ErrProtocol, err))
	}
	return info, nil
}

// Delete implements storage.ShardStore. A provider refuses a peer that
// did not put the shard with an error wrapping ErrForbidden.
func (c *Client) Delete(ctx context.Context, id storage.ShardID) error {
	req := &DeleteRequest{ID: id}
	if err := req.Validate(); err != nil {
		return err
	}
	st, err := c.open(ctx, "delete "+id.String(), req, MaxReply, &DeleteReply{})
	if err != nil {
		return err
	}
	_ = st.Close()
	return nil
}

// expectEnd checks that the provider sent nothing after what it
// announced and closed its side cleanly.
func expectEnd(st *p2p.Stream) error {
	var b [1]byte
	n, err := st.Read(b[:])
	switch {
	case n > 0:
		return fmt.Errorf("%w: bytes after the announced ones", ErrProtocol)
	case errors.Is(err, io.EOF):
		_ = st.Close()
		return nil
	case err == nil:
		return expectEnd(st)
	default:
		return err
	}
}
