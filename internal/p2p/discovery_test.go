package p2p

import (
	"errors"
	"testing"

	"github.com/libp2p/go-libp2p/core/peer"
)

func TestDHTFindsAdvertisedPeer(t *testing.T) {
	dhtOn := func(boot *Host) func(*Config) {
		return func(c *Config) {
			c.DHT, c.DHTServer = true, true
			if boot != nil {
				c.Bootstrap = boot.Addrs()
			}
		}
	}
	b := newHost(t, "b", dhtOn(nil))
	a := newHost(t, "a", dhtOn(b))
	c := newHost(t, "c", dhtOn(b))

	if err := a.Advertise(testContext(t)); err != nil {
		t.Fatal(err)
	}
	var found []peer.AddrInfo
	waitFor(t, "c finds a through the dht", func() bool {
		var err error
		found, err = c.FindPeers(testContext(t))
		if err != nil {
			t.Fatal(err)
		}
		for _, ai := range found {
			if ai.ID == a.ID() {
				return true
			}
		}
		return false
	})
	for _, ai := range found {
		if ai.ID == c.ID() {
			t.Fatal("FindPeers returned the host itself")
		}
	}
	if !connected(c, a.ID()) {
		t.Fatal("c is not connected to the peer it found")
	}
}

func TestDHTDisabled(t *testing.T) {
	a := newHost(t, "a", nil)
	if err := a.Advertise(testContext(t)); !errors.Is(err, ErrNoDHT) {
		t.Fatalf("Advertise = %v, want ErrNoDHT", err)
	}
	if _, err := a.FindPeers(testContext(t)); !errors.Is(err, ErrNoDHT) {
		t.Fatalf("FindPeers = %v, want ErrNoDHT", err)
	}
}

func TestDHTClientFindsThroughServer(t *testing.T) {
	b := newHost(t, "b", func(c *Config) { c.DHT, c.DHTServer = true, true })
	a := newHost(t, "a", func(c *Config) { c.DHT, c.DHTServer, c.Bootstrap = true, true, b.Addrs() })
	client := newHost(t, "client", func(c *Config) { c.DHT, c.Bootstrap = true, b.Addrs() })
	if err := a.Advertise(testContext(t)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the dht client finds a", func() bool {
		found, err := client.FindPeers(testContext(t))
		if err != nil {
			t.Fatal(err)
		}
		for _, ai := range found {
			if ai.ID == a.ID() {
				return true
			}
		}
		return false
	})
}
