package p2p

import (
	"testing"
	"time"

	"github.com/libp2p/go-libp2p"
	pubsub "github.com/libp2p/go-libp2p-pubsub"
	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/opensky-network/opensky/internal/p2p/wire"
)

// TestPresenceRejectsForgeries publishes from a bare libp2p peer whose
// pubsub validates nothing, so forged announcements really reach the
// network, and checks that the host delivers only the honest ones.
func TestPresenceRejectsForgeries(t *testing.T) {
	b := newHost(t, "b", nil)
	ctx := testContext(t)

	rogueKey := newKey(t)
	rogue, err := libp2p.New(libp2p.Identity(rogueKey), libp2p.ListenAddrStrings("/ip4/127.0.0.1/tcp/0"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rogue.Close() })
	ps, err := pubsub.NewGossipSub(ctx, rogue)
	if err != nil {
		t.Fatal(err)
	}
	topic, err := ps.Join(wire.TopicPresence)
	if err != nil {
		t.Fatal(err)
	}
	if err := rogue.Connect(ctx, peer.AddrInfo{ID: b.ID(), Addrs: b.host.Addrs()}); err != nil {
		t.Fatal(err)
	}

	got := make(chan wire.Presence, 256)
	if err := b.SubscribePresence(ctx, func(from peer.ID, p wire.Presence) {
		if from != rogue.ID() {
			t.Errorf("presence attributed to %s, published by %s", from, rogue.ID())
		}
		got <- p
	}); err != nil {
		t.Fatal(err)
	}

	otherKey := newKey(t)
	seal := func(key crypto.PrivKey, p wire.Presence) []byte {
		t.Helper()
		data, err := wire.Seal(key, &p)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	const honestRounds = 3
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	honest := 0
	for seq := uint64(1); honest < honestRounds; seq++ {
		forgeries := [][]byte{
			seal(otherKey, wire.Presence{Peer: rogue.ID().String(), Seq: 1000 + seq}),
			seal(rogueKey, wire.Presence{Peer: b.ID().String(), Seq: 2000 + seq}),
			[]byte("not an envelope"),
		}
		for _, f := range append(forgeries, seal(rogueKey, wire.Presence{Peer: rogue.ID().String(), Seq: seq})) {
			if err := topic.Publish(ctx, f); err != nil {
				t.Fatal(err)
			}
		}
	drain:
		for {
			select {
			case p := <-got:
				if p.Seq >= 1000 {
					t.Fatalf("forged presence delivered: %+v", p)
				}
				honest++
			case <-ctx.Done():
				t.Fatal("no honest presence arrived")
			case <-tick.C:
				break drain
			}
		}
	}
}
