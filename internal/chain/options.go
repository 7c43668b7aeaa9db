package chain

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/cometbft/cometbft/p2p"
)

// Defaults for Options fields left zero.
const (
	DefaultBlockTime          = 200 * time.Millisecond
	DefaultEmptyBlockInterval = 30 * time.Second

	minBlockTime = 10 * time.Millisecond
	maxBlockTime = 10 * time.Second
)

// Options configure one validator or full node.
type Options struct {
	// Dir is the node's CometBFT home: config/ holds the keys and the
	// genesis file, data/ the block store, state and indexes.
	Dir string

	// Genesis is the chain's genesis. On the first start it is written to
	// Dir/config/genesis.json; on later starts it must equal that file.
	// Nil means use the file already in Dir.
	Genesis *Genesis

	// Moniker is the node's human-readable name; default the base of Dir.
	Moniker string

	// P2PListen is the peer-to-peer listen address, "tcp://host:port".
	// CometBFT always listens, so "" means a free port on 127.0.0.1, as
	// does port 0; P2PAddr reports the port actually used.
	P2PListen string

	// Peers are persistent peers, "nodeid@host:port".
	Peers []string

	// PEX turns on peer exchange, for open networks. Off by default: the
	// peers are listed explicitly.
	PEX bool

	// RPCListen serves CometBFT's HTTP and websocket RPC on this address
	// ("tcp://127.0.0.1:0" picks a free port, see RPCAddr). "" serves
	// nothing; the in-process API does not need it.
	RPCListen string

	// BlockTime is the target interval between blocks; default
	// DefaultBlockTime.
	BlockTime time.Duration

	// EmptyBlocks makes blocks every BlockTime even without transactions.
	// Off by default: blocks are made when there are transactions, plus
	// one every EmptyBlockInterval as a sign of life.
	EmptyBlocks bool

	// EmptyBlockInterval is how often an empty block is made when there
	// are no transactions and EmptyBlocks is off; default
	// DefaultEmptyBlockInterval, negative for never.
	EmptyBlockInterval time.Duration

	// Logger receives the node's logs and CometBFT's (see LevelTrace).
	Logger *slog.Logger
}

// ErrInvalidOptions is wrapped by every validation error from Start.
var ErrInvalidOptions = errors.New("chain: invalid options")

func (o Options) withDefaults() Options {
	if o.BlockTime == 0 {
		o.BlockTime = DefaultBlockTime
	}
	if o.EmptyBlockInterval == 0 {
		o.EmptyBlockInterval = DefaultEmptyBlockInterval
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

func (o Options) validate() error {
	bad := func(field, format string, args ...any) error {
		return fmt.Errorf("%w: %s: %s", ErrInvalidOptions, field, fmt.Sprintf(format, args...))
	}
	if o.Dir == "" {
		return bad("Dir", "required")
	}
	if o.BlockTime < minBlockTime || o.BlockTime > maxBlockTime {
		return bad("BlockTime", "%v is outside [%v, %v]", o.BlockTime, minBlockTime, maxBlockTime)
	}
	if o.P2PListen != "" {
		if _, _, err := splitListen(o.P2PListen); err != nil {
			return bad("P2PListen", "%v", err)
		}
	}
	if o.RPCListen != "" {
		if _, _, err := splitListen(o.RPCListen); err != nil {
			return bad("RPCListen", "%v", err)
		}
	}
	for _, p := range o.Peers {
		if _, err := p2p.NewNetAddressString(p); err != nil {
			return bad("Peers", "%q: %v", p, err)
		}
	}
	return nil
}

// splitListen parses "tcp://host:port" (the scheme may be left out).
func splitListen(addr string) (host, port string, err error) {
	rest, ok := strings.CutPrefix(addr, "tcp://")
	if !ok && strings.Contains(addr, "://") {
		return "", "", fmt.Errorf("%q: only tcp:// is supported", addr)
	}
	host, port, err = net.SplitHostPort(rest)
	if err != nil {
		return "", "", fmt.Errorf("%q: %w", addr, err)
	}
	if host == "" {
		return "", "", fmt.Errorf("%q: host required", addr)
	}
	return host, port, nil
}

// resolveListen turns addr into "tcp://host:port" with a concrete port:
// "" becomes 127.0.0.1, port 0 a free port. CometBFT's p2p transport does
// not report the port it bound, so the port is chosen here; another process
// can take it in between, in which case Start fails and can be retried.
func resolveListen(addr string) (string, error) {
	host, port := "127.0.0.1", "0"
	if addr != "" {
		var err error
		if host, port, err = splitListen(addr); err != nil {
			return "", err
		}
	}
	if port == "0" {
		p, err := freePort(host)
		if err != nil {
			return "", err
		}
		port = p
	}
	return "tcp://" + net.JoinHostPort(host, port), nil
}

// freePort asks the kernel for a free TCP port on host.
func freePort(host string) (string, error) {
	l, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		return "", fmt.Errorf("chain: finding a free port on %s: %w", host, err)
	}
	defer l.Close()
	_, port, err := net.SplitHostPort(l.Addr().String())
	return port, err
}
