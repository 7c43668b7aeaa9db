package shardnet

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/opensky-network/opensky/internal/p2p"
	"github.com/opensky-network/opensky/internal/storage"
)

// put stores the shard whose bytes follow on st. The store reserves the
// shard before it reads, so PutReady goes out on its first read and a
// refusal (exists, no space) is the reply instead, before any byte moved.
func (s *server) put(ctx context.Context, from peer.ID, r *PutRequest, st *p2p.Stream) error {
	if !s.mayPut(from) {
		return &p2p.RemoteError{Code: CodeForbidden, Message: fmt.Sprintf("this provider takes no shards from %s", from)}
	}
	info := r.Info()
	body := &putBody{st: st, left: info.Size()}
	var (
		root storage.Hash
		err  error
	)
	if s.owners != nil {
		root, err = s.owners.PutOwned(ctx, info, from.String(), body)
	} else {
		root, err = s.store.Put(ctx, info, body)
	}
	if err != nil {
		re := s.fail("put", from, info.ID, err)
		if !body.started {
			return re
		}
		// The client is waiting for the final reply; an error is one.
		if werr := st.WriteError(re); werr != nil {
			return werr
		}
		return nil
	}
	s.log.Debug("shard put", "peer", from, "shard", info.ID, "pieces", info.Pieces, "root", root)
	return st.WriteMessage(&PutDone{Pieces: info.Pieces, Root: root.String()})
}

// putBody is the shard's bytes as the store reads them: PutReady goes out
// on the first read, and reading stops at the shard's size.
type putBody struct {
	st      *p2p.Stream
	left    int64
	started bool
}

func (b *putBody) Read(p []byte) (int, error) {
	if !b.started {
		b.started = true
		if err := b.st.WriteMessage(&PutReady{}); err != nil {
			return 0, err
		}
	}
	if b.left == 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.st.Read(p)
	b.left -= int64(n)
	return n, err
}

// read streams pieces. Range and existence are checked before anything
// is sent, so that those errors are replies; ReadReady goes out on the
// store's first write.
func (s *server) read(ctx context.Context, from peer.ID, r *ReadRequest, st *p2p.Stream) error {
	info, err := s.store.Stat(ctx, r.ID)
	if err != nil {
		return s.fail("read", from, r.ID, err)
	}
	if r.From >= info.Pieces || r.Count > info.Pieces-r.From {
		return badRequest(fmt.Errorf("pieces [%d, +%d) of %s's %d are out of range", r.From, r.Count, r.ID, info.Pieces))
	}
	w := &readBody{st: st, ready: ReadReady{Bytes: r.Count * storage.PieceSize}}
	if err := s.store.Read(ctx, r.ID, r.From, r.Count, w); err != nil {
		return s.fail("read", from, r.ID, err) // resets the stream once bytes went out
	}
	if w.written != w.ready.Bytes {
		return s.fail("read", from, r.ID, fmt.Errorf("store wrote %d bytes of %d", w.written, w.ready.Bytes))
	}
	return nil
}

// readBody sends ReadReady before the first bytes the store writes.
type readBody struct {
	st      *p2p.Stream
	ready   ReadReady
	written int64
}

func (w *readBody) Write(p []byte) (int, error) {
	if w.written+int64(len(p)) > w.ready.Bytes {
		return 0, fmt.Errorf("store writes more than the %d bytes announced", w.ready.Bytes)
	}
	if w.written == 0 {
		if err := w.st.WriteMessage(&w.ready); err != nil {
			return 0, err
		}
	}
	n, err := w.st.Write(p)
	w.written += int64(n)
	return n, err
}

// leaves sends the shard's leaf hashes.
func (s *server) leaves(ctx context.Context, from peer.ID, r *LeavesRequest, st *p2p.Stream) error {
	leaves, err := s.store.Leaves(ctx, r.ID)
	if err != nil {
		return s.fail("leaves", from, r.ID, err)
	}
	if err := checkPieces(int64(len(leaves))); err != nil {
		return s.fail("leaves", from, r.ID, err)
	}
	if err := st.WriteMessage(&LeavesReady{Count: int64(len(leaves))}); err != nil {
		return err
	}
	raw := make([]byte, 0, len(leaves)*hashSize)
	for _, h := range leaves {
		raw = append(raw, h[:]...)
	}
	_, err = st.Write(raw)
	return err
}

// prove answers a challenge in one reply.
func (s *server) prove(ctx context.Context, from peer.ID, r *ProveRequest, st *p2p.Stream) error {
	info, err := s.store.Stat(ctx, r.ID)
	if err != nil {
		return s.fail("prove", from, r.ID, err)
	}
	for _, i := range r.Indices {
		if i >= info.Pieces {
			return badRequest(fmt.Errorf("piece %d of %s's %d is out of range", i, r.ID, info.Pieces))
		}
	}
	proofs, err := s.store.Prove(ctx, r.ID, r.Indices)
	if err != nil {
		return s.fail("prove", from, r.ID, err)
	}
	return st.WriteMessage(wireProofs(proofs))
}

// stat describes a shard.
func (s *server) stat(ctx context.Context, from peer.ID, r *StatRequest, st *p2p.Stream) error {
	info, err := s.store.Stat(ctx, r.ID)
	if err != nil {
		return s.fail("stat", from, r.ID, err)
	}
	return st.WriteMessage(&StatReply{Pieces: info.Pieces, Root: info.Root.String()})
}

// delete drops a shard for its owner or a peer allowed to delete any.
func (s *server) delete(ctx context.Context, from peer.ID, r *DeleteRequest, st *p2p.Stream) error {
	if !s.mayDeleteAny(from) {
		if s.owners == nil {
			return &p2p.RemoteError{Code: CodeForbidden, Message: "this provider lets no peer delete shards"}
		}
		owner, err := s.owners.Owner(ctx, r.ID)
		if errors.Is(err, storage.ErrShardNotFound) {
			return st.WriteMessage(&DeleteReply{}) // nothing to delete
		}
		if err != nil {
			return s.fail("delete", from, r.ID, err)
		}
		if owner != from.String() {
			return &p2p.RemoteError{Code: CodeForbidden, Message: fmt.Sprintf("shard %s was put by another peer", r.ID)}
		}
	}
	if err := s.store.Delete(ctx, r.ID); err != nil {
		return s.fail("delete", from, r.ID, err)
	}
	s.log.Debug("shard deleted", "peer", from, "shard", r.ID)
	return st.WriteMessage(&DeleteReply{})
}
