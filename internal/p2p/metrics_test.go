package p2p

import (
	"strings"
	"sync/atomic"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/opensky-network/opensky/internal/p2p/wire"
)

// TestHostRegistersNoGlobalMetrics checks that a host that has connected and
// served a call left nothing on the global Prometheus registry: libp2p's
// collectors (swarm, identify, eventbus, resource manager, QUIC) stay off.
func TestHostRegistersNoGlobalMetrics(t *testing.T) {
	a := newHost(t, "a", nil)
	var calls atomic.Int64
	a.Handle(wire.ProtocolBid, wire.MaxControlMessage, bidHandler(a.ID(), &calls))
	b := newHost(t, "b", func(c *Config) { c.Bootstrap = a.Addrs() })
	var bid wire.Bid
	req := &wire.BidRequest{JobID: "j", TaskID: "t", MaxPrice: 100}
	if err := b.Call(testContext(t), a.ID(), wire.ProtocolBid, req, &bid, wire.MaxControlMessage); err != nil {
		t.Fatal(err)
	}

	families, err := prometheus.DefaultGatherer.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if name := f.GetName(); strings.HasPrefix(name, "libp2p_") || strings.HasPrefix(name, "quic_") {
			t.Errorf("metric %s registered on the global registry", name)
		}
	}
}
