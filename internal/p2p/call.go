package p2p

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"

	"github.com/opensky-network/opensky/internal/p2p/wire"
)

// Call sends req to peer p on proto and decodes the reply, at most maxResp
// bytes, into resp. The reply must be signed by p (ErrUnexpectedSigner
// otherwise); a wire.Error reply is returned as a *RemoteError. Cancelling
// ctx resets the stream; without a deadline on ctx, StreamTimeout bounds
// the call.
func (h *Host) Call(ctx context.Context, p peer.ID, proto string, req, resp wire.Message, maxResp int) error {
	if resp == nil {
		return errors.New("p2p: call without a reply message")
	}
	data, err := wire.Seal(h.priv, req)
	if err != nil {
		return err
	}
	s, err := h.host.NewStream(ctx, p, protocol.ID(proto))
	if err != nil {
		return fmt.Errorf("p2p: call %s on %s: %w", proto, p, err)
	}
	stop := context.AfterFunc(ctx, func() { _ = s.Reset() })
	defer stop()
	fail := func(what string, err error) error {
		_ = s.Reset()
		if cerr := ctx.Err(); cerr != nil {
			return fmt.Errorf("p2p: call %s on %s: %w", proto, p, cerr)
		}
		return fmt.Errorf("p2p: call %s on %s: %s: %w", proto, p, what, err)
	}

	deadline, ok := ctx.Deadline()
	if !ok {
		deadline = time.Now().Add(StreamTimeout)
	}
	if err := s.SetDeadline(deadline); err != nil {
		return fail("deadline", err)
	}
	if err := wire.WriteFrame(s, data); err != nil {
		return fail("send", err)
	}
	// Half-closing only tells the handler nothing more is coming; it can
	// fail when the handler has already answered and stopped reading, and
	// the reply is what decides the call.
	_ = s.CloseWrite()
	reply, release, err := readFrame(s, maxResp)
	if err != nil {
		return fail("reply", err)
	}
	defer release()
	_ = s.Close()

	env, err := wire.Parse(reply, maxResp)
	if err != nil {
		return fmt.Errorf("p2p: call %s on %s: reply: %w", proto, p, err)
	}
	if env.Signer() != p {
		return fmt.Errorf("%w: %s answered for %s", ErrUnexpectedSigner, env.Signer(), p)
	}
	if env.Type() == (wire.Error{}).WireType() && resp.WireType() != env.Type() {
		var we wire.Error
		if err := env.Decode(&we); err != nil {
			return fmt.Errorf("p2p: call %s on %s: error reply: %w", proto, p, err)
		}
		return &RemoteError{Code: we.Code, Message: we.Message}
	}
	if err := env.Decode(resp); err != nil {
		return fmt.Errorf("p2p: call %s on %s: reply: %w", proto, p, err)
	}
	return nil
}
