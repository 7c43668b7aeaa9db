package shardnet

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/opensky-network/opensky/internal/p2p"
	"github.com/opensky-network/opensky/internal/p2p/wire"
	"github.com/opensky-network/opensky/internal/storage"
)

// OwnerStore is a ShardStore that records who put each shard. Serve uses
// it to let only that peer delete the shard; shardstore.Disk is one.
type OwnerStore interface {
	storage.ShardStore
	// PutOwned is Put, recording owner with the shard.
	PutOwned(ctx context.Context, info storage.ShardInfo, owner string, r io.Reader) (storage.Hash, error)
	// Owner returns what PutOwned recorded for a stored shard.
	Owner(ctx context.Context, id storage.ShardID) (string, error)
}

// ServeOption configures Serve.
type ServeOption func(*server)

// WithLogger sets where the server logs (default: discarded).
func WithLogger(l *slog.Logger) ServeOption {
	return func(s *server) {
		if l != nil {
			s.log = l
		}
	}
}

// AllowPut restricts who may put shards (default: every peer; providers
// are paid through deals on the chain).
func AllowPut(fn func(peer.ID) bool) ServeOption {
	return func(s *server) { s.mayPut = fn }
}

// AllowDeleteAny names peers that may delete any shard, whoever put it
// (default: none; a shard's owner may always delete it).
func AllowDeleteAny(fn func(peer.ID) bool) ServeOption {
	return func(s *server) { s.mayDeleteAny = fn }
}

// server answers the storage protocol from one store.
type server struct {
	store        storage.ShardStore
	owners       OwnerStore // nil when the store records no owners
	log          *slog.Logger
	mayPut       func(peer.ID) bool
	mayDeleteAny func(peer.ID) bool
}

// Serve answers the storage protocol on h from store.
func Serve(h *p2p.Host, store storage.ShardStore, opts ...ServeOption) {
	s := &server{
		store:        store,
		log:          slog.New(slog.DiscardHandler),
		mayPut:       func(peer.ID) bool { return true },
		mayDeleteAny: func(peer.ID) bool { return false },
	}
	for _, o := range opts {
		o(s)
	}
	s.owners, _ = store.(OwnerStore)
	if s.owners == nil {
		s.log.Warn("shard store records no owners: only peers allowed to delete any shard may delete")
	}
	h.HandleStream(Protocol, MaxRequest, s.serve)
}

// request is a decoded, checkable request.
type request interface {
	wire.Message
	Validate() error
}

// envelope is a verified request envelope (p2p.Request, wire.Envelope).
type envelope interface {
	Type() string
	Decode(m wire.Message) error
}

// decodeRequest decodes and validates the request env carries.
func decodeRequest(env envelope) (request, error) {
	var req request
	switch env.Type() {
	case PutRequest{}.WireType():
		req = new(PutRequest)
	case ReadRequest{}.WireType():
		req = new(ReadRequest)
	case LeavesRequest{}.WireType():
		req = new(LeavesRequest)
	case ProveRequest{}.WireType():
		req = new(ProveRequest)
	case StatRequest{}.WireType():
		req = new(StatRequest)
	case DeleteRequest{}.WireType():
		req = new(DeleteRequest)
	default:
		return nil, fmt.Errorf("%w: no storage request of type %q", wire.ErrWrongType, env.Type())
	}
	if err := env.Decode(req); err != nil {
		return nil, err
	}
	if err := req.Validate(); err != nil {
		return nil, err
	}
	return req, nil
}

// serve runs one request.
func (s *server) serve(ctx context.Context, from peer.ID, env *p2p.Request, st *p2p.Stream) error {
	req, err := decodeRequest(env)
	if err != nil {
		return badRequest(err)
	}
	switch r := req.(type) {
	case *PutRequest:
		return s.put(ctx, from, r, st)
	case *ReadRequest:
		return s.read(ctx, from, r, st)
	case *LeavesRequest:
		return s.leaves(ctx, from, r, st)
	case *ProveRequest:
		return s.prove(ctx, from, r, st)
	case *StatRequest:
		return s.stat(ctx, from, r, st)
	case *DeleteRequest:
		return s.delete(ctx, from, r, st)
	}
	return badRequest(errors.New("unhandled request"))
}

// fail logs a store failure and returns the reply for it.
func (s *server) fail(op string, from peer.ID, id storage.ShardID, err error) error {
	re := replyError(err)
	level := slog.LevelDebug
	// A corrupt put is the sender's problem; corrupt data at rest, or a
	// failing store, is this provider's.
	if re.Code == p2p.CodeInternal || re.Code == CodeCorrupt && op != "put" {
		level = slog.LevelWarn
	}
	s.log.Log(context.Background(), level, "storage request failed", "op", op, "peer", from, "shard", id, "err", err)
	return re
}
