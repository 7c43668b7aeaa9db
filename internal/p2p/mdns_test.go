package p2p

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/ipv4"
)

// mdnsGroup is the IPv4 mDNS multicast group.
var mdnsGroup = net.IPv4(224, 0, 0, 251)

// multicastLoopback reports whether a datagram sent to the mDNS group on
// some multicast interface comes back to this host, which is what mDNS
// discovery between two local hosts needs. When it does not, the error says
// what was tried.
func multicastLoopback() error {
	ifaces, err := net.Interfaces()
	if err != nil {
		return fmt.Errorf("list interfaces: %w", err)
	}
	var tried []string
	var errs []error
	for _, ifi := range ifaces {
		if ifi.Flags&net.FlagUp == 0 || ifi.Flags&net.FlagMulticast == 0 {
			continue
		}
		tried = append(tried, ifi.Name)
		if err := probeMulticast(&ifi); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", ifi.Name, err))
			continue
		}
		return nil
	}
	if len(tried) == 0 {
		return errors.New("no interface is up with multicast enabled")
	}
	return fmt.Errorf("no datagram sent to %s came back on %s: %w", mdnsGroup, strings.Join(tried, ", "), errors.Join(errs...))
}

// probeMulticast joins the mDNS group on ifi, sends a random token to the
// group on the socket's own port and waits for it to loop back.
func probeMulticast(ifi *net.Interface) error {
	c, err := net.ListenPacket("udp4", "0.0.0.0:0")
	if err != nil {
		return err
	}
	defer c.Close()
	p := ipv4.NewPacketConn(c)
	if err := p.JoinGroup(ifi, &net.UDPAddr{IP: mdnsGroup}); err != nil {
		return fmt.Errorf("join group: %w", err)
	}
	if err := p.SetMulticastInterface(ifi); err != nil {
		return fmt.Errorf("set interface: %w", err)
	}
	if err := p.SetMulticastLoopback(true); err != nil {
		return fmt.Errorf("set loopback: %w", err)
	}
	if err := p.SetMulticastTTL(1); err != nil {
		return fmt.Errorf("set ttl: %w", err)
	}
	token := make([]byte, 16)
	if _, err := rand.Read(token); err != nil {
		return err
	}
	port := c.LocalAddr().(*net.UDPAddr).Port
	if _, err := p.WriteTo(token, nil, &net.UDPAddr{IP: mdnsGroup, Port: port}); err != nil {
		return fmt.Errorf("send: %w", err)
	}
	if err := c.SetReadDeadline(time.Now().Add(2 * time.Second)); err != nil {
		return err
	}
	buf := make([]byte, 64)
	for {
		n, _, _, err := p.ReadFrom(buf)
		if err != nil {
			return fmt.Errorf("receive: %w", err)
		}
		if bytes.Equal(buf[:n], token) {
			return nil
		}
	}
}

func TestMDNSDiscovery(t *testing.T) {
	if err := multicastLoopback(); err != nil {
		t.Skipf("mDNS needs IPv4 multicast delivered back to this host, and this machine does not: %v", err)
	}
	mdnsOn := func(c *Config) { c.MDNS = true }
	a := newHost(t, "a", mdnsOn)
	b := newHost(t, "b", mdnsOn)
	waitFor(t, "a and b find each other over mDNS", func() bool {
		return connected(a, b.ID()) || connected(b, a.ID())
	})
}
