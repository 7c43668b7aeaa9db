package p2p

import (
	"fmt"

	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/p2p/discovery/mdns"
)

// startMDNS announces the host on the local network under MDNSServiceName
// and connects to the OpenSky peers it hears of.
func (h *Host) startMDNS() error {
	svc := mdns.NewMdnsService(h.host, MDNSServiceName, mdnsNotifee{h})
	if err := svc.Start(); err != nil {
		return fmt.Errorf("p2p: start mdns: %w", err)
	}
	h.mdns = svc
	return nil
}

// mdnsNotifee connects to peers that mDNS finds.
type mdnsNotifee struct{ h *Host }

// HandlePeerFound implements mdns.Notifee.
func (n mdnsNotifee) HandlePeerFound(ai peer.AddrInfo) { n.h.connectFound(ai, "mdns") }
