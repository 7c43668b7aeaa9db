package p2p

import (
	"context"
	"errors"
	"fmt"

	pubsub "github.com/libp2p/go-libp2p-pubsub"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/opensky-network/opensky/internal/p2p/wire"
)

// startPubSub starts GossipSub and joins the presence topic, whose
// validator keeps invalid announcements from being delivered or relayed.
func (h *Host) startPubSub() error {
	ps, err := pubsub.NewGossipSub(h.ctx, h.host)
	if err != nil {
		return fmt.Errorf("p2p: start pubsub: %w", err)
	}
	if err := ps.RegisterTopicValidator(wire.TopicPresence, h.validatePresence); err != nil {
		return fmt.Errorf("p2p: presence validator: %w", err)
	}
	topic, err := ps.Join(wire.TopicPresence)
	if err != nil {
		return fmt.Errorf("p2p: join presence topic: %w", err)
	}
	h.pubsub, h.presence = ps, topic
	return nil
}

// validatePresence accepts a presence message only when it is a valid
// envelope of at most wire.MaxControlMessage bytes, signed by the peer that
// published it, about that same peer. The decoded announcement is kept for
// the subscribers.
func (h *Host) validatePresence(_ context.Context, _ peer.ID, msg *pubsub.Message) pubsub.ValidationResult {
	if len(msg.Data) > wire.MaxControlMessage {
		h.log.Debug("presence rejected", "from", msg.GetFrom(), "reason", "too large", "bytes", len(msg.Data))
		return pubsub.ValidationReject
	}
	var p wire.Presence
	signer, err := wire.Open(msg.Data, wire.MaxControlMessage, &p)
	if err != nil {
		h.log.Debug("presence rejected", "from", msg.GetFrom(), "err", err)
		return pubsub.ValidationReject
	}
	if signer != msg.GetFrom() || p.Peer != signer.String() {
		h.log.Debug("presence rejected", "from", msg.GetFrom(), "signer", signer, "about", p.Peer)
		return pubsub.ValidationReject
	}
	msg.ValidatorData = &p
	return pubsub.ValidationAccept
}

// PublishPresence signs p and publishes it on wire.TopicPresence. An empty
// p.Peer is set to this host; another peer's ID is refused.
func (h *Host) PublishPresence(ctx context.Context, p wire.Presence) error {
	self := h.host.ID().String()
	if p.Peer == "" {
		p.Peer = self
	}
	if p.Peer != self {
		return fmt.Errorf("p2p: presence for %s published by %s", p.Peer, self)
	}
	data, err := wire.Seal(h.priv, &p)
	if err != nil {
		return err
	}
	if err := h.presence.Publish(ctx, data); err != nil {
		return fmt.Errorf("p2p: publish presence: %w", err)
	}
	return nil
}

// SubscribePresence calls fn, from one goroutine, for every valid presence
// announcement from another peer until ctx is done or the host closes.
func (h *Host) SubscribePresence(ctx context.Context, fn func(from peer.ID, p wire.Presence)) error {
	sub, err := h.presence.Subscribe()
	if err != nil {
		return fmt.Errorf("p2p: subscribe to presence: %w", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(h.ctx, cancel)
	h.wg.Go(func() {
		defer stop()
		defer cancel()
		defer sub.Cancel()
		for {
			msg, err := sub.Next(ctx)
			if err != nil {
				if ctx.Err() == nil && !errors.Is(err, pubsub.ErrSubscriptionCancelled) {
					h.log.Warn("presence subscription ended", "err", err)
				}
				return
			}
			if msg.GetFrom() == h.host.ID() {
				continue
			}
			p, ok := msg.ValidatorData.(*wire.Presence)
			if !ok {
				continue
			}
			fn(msg.GetFrom(), *p)
		}
	})
	return nil
}
