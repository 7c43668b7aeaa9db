package p2p

import (
	"context"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/opensky-network/opensky/internal/p2p/wire"
)

func TestPresenceReachesOtherHost(t *testing.T) {
	a := newHost(t, "a", nil)
	b := newHost(t, "b", func(c *Config) { c.Bootstrap = a.Addrs() })

	type received struct {
		from peer.ID
		p    wire.Presence
	}
	got := make(chan received, 64)
	if err := b.SubscribePresence(testContext(t), func(from peer.ID, p wire.Presence) {
		got <- received{from, p}
	}); err != nil {
		t.Fatal(err)
	}
	var selfSeen bool
	if err := a.SubscribePresence(testContext(t), func(peer.ID, wire.Presence) { selfSeen = true }); err != nil {
		t.Fatal(err)
	}

	if err := a.PublishPresence(testContext(t), wire.Presence{Peer: b.ID().String()}); err == nil {
		t.Fatal("published a presence about another peer")
	}
	forged, err := wire.Seal(newKey(t), &wire.Presence{Peer: a.ID().String()})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.presence.Publish(testContext(t), forged); err == nil {
		t.Fatal("published a presence signed by another key")
	}

	// The mesh forms in the background: announce until b hears one, as a
	// provider does.
	ctx := testContext(t)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for seq := uint64(1); ; seq++ {
		if err := a.PublishPresence(ctx, wire.Presence{Seq: seq, Engines: []string{"wasm"}, Running: 1}); err != nil {
			t.Fatal(err)
		}
		select {
		case r := <-got:
			if r.from != a.ID() || r.p.Peer != a.ID().String() || len(r.p.Engines) != 1 || r.p.Running != 1 {
				t.Fatalf("received %+v from %s", r.p, r.from)
			}
			if selfSeen {
				t.Fatal("own presence delivered to the publisher")
			}
			return
		case <-ctx.Done():
			t.Fatal("presence never arrived")
		case <-tick.C:
		}
	}
}

func TestPresenceValidator(t *testing.T) {
	a := newHost(t, "a", nil)
	good, err := wire.Seal(a.PrivKey(), &wire.Presence{Peer: a.ID().String()})
	if err != nil {
		t.Fatal(err)
	}
	about, err := wire.Seal(a.PrivKey(), &wire.Presence{Peer: "someone-else"})
	if err != nil {
		t.Fatal(err)
	}
	wrongType, err := wire.Seal(a.PrivKey(), &wire.Cancel{TaskID: "t"})
	if err != nil {
		t.Fatal(err)
	}
	huge, err := wire.Seal(a.PrivKey(), &wire.Presence{Peer: a.ID().String(),
		Labels: map[string]string{"pad": string(make([]byte, wire.MaxControlMessage))}})
	if err != nil {
		t.Fatal(err)
	}
	stranger := newKey(t)
	strangerID, err := peer.IDFromPrivateKey(stranger)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		from   peer.ID
		data   []byte
		accept bool
	}{
		{"valid", a.ID(), good, true},
		{"sender is not the signer", strangerID, good, false},
		{"about another peer", a.ID(), about, false},
		{"not a presence", a.ID(), wrongType, false},
		{"oversize", a.ID(), huge, false},
		{"garbage", a.ID(), []byte("hello"), false},
	}
	for _, c := range cases {
		msg := pubsubMessage(c.from, c.data)
		res := a.validatePresence(context.Background(), c.from, msg)
		if accepted := res == acceptResult; accepted != c.accept {
			t.Errorf("%s: accepted=%v, want %v", c.name, accepted, c.accept)
		}
		if c.accept && msg.ValidatorData == nil {
			t.Errorf("%s: decoded presence not kept", c.name)
		}
	}
}
