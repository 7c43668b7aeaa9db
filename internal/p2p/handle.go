package p2p

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"

	"github.com/opensky-network/opensky/internal/p2p/wire"
)

// StreamTimeout bounds one request/response exchange on a stream: reading
// the request, running the handler and writing the reply, or, in Call
// without a context deadline, the whole call.
const StreamTimeout = 2 * time.Minute

// Handler answers one request from peer from. The request's envelope has
// been verified and was signed by from. A returned error is sent back as a
// wire.Error: a *RemoteError keeps its code, a wire decoding error becomes
// CodeBadRequest, anything else CodeInternal.
type Handler func(ctx context.Context, from peer.ID, req *Request) (wire.Message, error)

// Request is a verified request envelope.
type Request struct {
	env *wire.Envelope
}

// Type returns the payload type the request carries.
func (r *Request) Type() string { return r.env.Type() }

// Decode decodes the payload into m, a pointer to the expected type; it
// fails with wire.ErrWrongType for another type.
func (r *Request) Decode(m wire.Message) error { return r.env.Decode(m) }

// Handle serves proto: each inbound stream carries one request of at most
// maxReq bytes, answered with one reply signed by this host. A request
// that is too large or cut short resets the stream; one that is not signed
// by the sending peer is answered with CodeUnauthenticated and never
// reaches fn.
func (h *Host) Handle(proto string, maxReq int, fn Handler) {
	h.host.SetStreamHandler(protocol.ID(proto), func(s network.Stream) {
		h.serve(s, maxReq, fn)
	})
}

// serve runs one exchange on an inbound stream.
func (h *Host) serve(s network.Stream, maxReq int, fn Handler) {
	from := s.Conn().RemotePeer()
	if err := s.SetDeadline(time.Now().Add(StreamTimeout)); err != nil {
		h.log.Debug("stream deadline", "protocol", s.Protocol(), "peer", from, "err", err)
	}
	data, release, err := readFrame(s, maxReq)
	if err != nil {
		h.log.Debug("request refused", "protocol", s.Protocol(), "peer", from, "err", err)
		_ = s.Reset()
		return
	}
	defer release()

	reply := h.answer(s.Protocol(), from, data, maxReq, fn)
	out, err := wire.Seal(h.priv, reply)
	if err != nil {
		h.log.Error("sealing reply failed", "protocol", s.Protocol(), "type", reply.WireType(), "err", err)
		_ = s.Reset()
		return
	}
	if err := wire.WriteFrame(s, out); err != nil {
		h.log.Debug("writing reply failed", "protocol", s.Protocol(), "peer", from, "err", err)
		_ = s.Reset()
		return
	}
	if err := s.Close(); err != nil {
		h.log.Debug("closing stream", "protocol", s.Protocol(), "peer", from, "err", err)
	}
}

// answer verifies a request and runs the handler, always producing a reply.
func (h *Host) answer(proto protocol.ID, from peer.ID, data []byte, maxReq int, fn Handler) wire.Message {
	env, err := wire.Parse(data, maxReq)
	if err != nil {
		h.log.Debug("bad request envelope", "protocol", proto, "peer", from, "err", err)
		return errorReply(err)
	}
	if env.Signer() != from {
		h.log.Warn("request signed by another peer", "protocol", proto, "peer", from, "signer", env.Signer())
		return &wire.Error{Code: CodeUnauthenticated,
			Message: fmt.Sprintf("request signed by %s, not by the sending peer", env.Signer())}
	}
	ctx, cancel := context.WithTimeout(h.ctx, StreamTimeout)
	defer cancel()
	reply, err := fn(ctx, from, &Request{env: env})
	if err == nil && reply == nil {
		err = errors.New("handler gave no reply")
	}
	if err != nil {
		h.log.Debug("handler failed", "protocol", proto, "peer", from, "type", env.Type(), "err", err)
		return errorReply(err)
	}
	return reply
}
