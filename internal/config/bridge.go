package config

import (
	"net/url"
	"strconv"
	"time"

	"github.com/opensky-network/opensky/internal/polkadot"
)

// Bridge runs the Polkadot bridge and the anchors of the chain (see
// docs/polkadot.md). It needs the chain.
type Bridge struct {
	Enabled bool `yaml:"enabled"`
	// PolkadotRPC is the HTTP JSON-RPC address of a Polkadot node the
	// operator trusts ("http://127.0.0.1:9944").
	PolkadotRPC string `yaml:"polkadotRpc"`
	// Asset is what a deposit moves: "native" (the chain's own token, 12
	// decimals; "native:10" for 10), "usdc" (Asset Hub asset 1337), "usdt"
	// (1984) or "asset:ID:DECIMALS". One whole token is one dollar.
	Asset string `yaml:"asset"`
	// Account is the keystore file of the operator key, which controls the
	// bridge account on both chains; its passphrase comes from
	// OPENSKY_PASSPHRASE. It must be the genesis's bridge account.
	Account string `yaml:"account"`
	// DevAccount is a development secret URI ("//Bridge"): local networks
	// only.
	DevAccount string `yaml:"devAccount"`
	// AnchorEvery anchors the chain on Polkadot every that many blocks; 0
	// anchors nothing (default 100).
	AnchorEvery int64 `yaml:"anchorEvery"`
	// Period is how many Polkadot blocks a bridge transaction stays valid
	// (default 64): how long before an unseen payout may be sent again.
	Period uint64 `yaml:"period"`
	// Poll is how often the bridge looks at both chains (default 2s).
	Poll string `yaml:"poll"`
}

// Parsed returns the asset and the poll interval.
func (b *Bridge) Parsed() (polkadot.Asset, time.Duration, error) {
	a, err := polkadot.ParseAsset(b.Asset)
	if err != nil {
		return a, 0, err
	}
	p, err := parsePositive(b.Poll)
	return a, p, err
}

func (c *Config) validateBridge(bad func(section, format string, args ...any)) {
	b := &c.Bridge
	if !b.Enabled {
		return
	}
	if !c.Chain.Enabled {
		bad("bridge", "needs the chain (chain.enabled)")
	}
	if u, err := url.Parse(b.PolkadotRPC); b.PolkadotRPC == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		bad("bridge.polkadotRpc", "needs a Polkadot node's HTTP RPC address, e.g. http://127.0.0.1:9944")
	}
	if _, _, err := b.Parsed(); err != nil {
		bad("bridge", "%v", err)
	}
	if (b.Account == "") == (b.DevAccount == "") {
		bad("bridge", "set exactly one of account (a keystore file) and devAccount")
	}
	if b.AnchorEvery < 0 {
		bad("bridge.anchorEvery", "must not be negative")
	}
	if b.Period != 0 && (b.Period < 4 || b.Period > 65536) {
		bad("bridge.period", "must be from 4 to 65536 blocks, got %s", strconv.FormatUint(b.Period, 10))
	}
}
