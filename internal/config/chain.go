package config

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/opensky-network/opensky/internal/spec"
)

// Chain configures the node's part in the OpenSky chain. With the chain
// enabled, jobs are paid from escrow: the gateway's orchestrator is the
// arbiter of its jobs' escrows and a provider registers with stake.
type Chain struct {
	Enabled bool `yaml:"enabled"`
	// Validator runs a CometBFT validator in this process, with its home
	// under dataDir/chain; otherwise RPC names the node to use.
	Validator bool `yaml:"validator"`
	// RPC is a chain node's RPC address ("http://127.0.0.1:26657"), for a
	// node that is not a validator.
	RPC string `yaml:"rpc"`
	// Genesis is the chain's genesis file, installed on a validator's
	// first start.
	Genesis string `yaml:"genesis"`
	// Peers are other validators, "nodeid@host:port".
	Peers []string `yaml:"peers"`
	// P2PListen and RPCListen are the validator's consensus and RPC
	// addresses ("tcp://127.0.0.1:26656"); an empty RPCListen serves no
	// RPC.
	P2PListen string `yaml:"p2pListen"`
	RPCListen string `yaml:"rpcListen"`
	// BlockTime is the validator's target block interval (default 200ms).
	BlockTime string `yaml:"blockTime"`
	// Account is the keystore file of the node's account: the
	// orchestrator's arbiter account, or the account a provider is paid
	// and staked from. Its passphrase comes from OPENSKY_PASSPHRASE.
	Account string `yaml:"account"`
	// DevAccount is a development secret URI such as "//Alice", whose key
	// is public: for local networks only.
	DevAccount string `yaml:"devAccount"`
	// Faucet is a development secret URI ("//Alice") whose funds the
	// gateway gives away at /api/v1/chain/faucet: for local networks only.
	Faucet string `yaml:"faucet"`
	// Stake is what a provider registers with, in USD (default "10").
	Stake string `yaml:"stake"`
}

// BlockInterval parses the block time (zero means the default).
func (c *Chain) BlockInterval() (time.Duration, error) { return parsePositive(c.BlockTime) }

// StakeAmount parses the stake into micro-USD.
func (c *Chain) StakeAmount() (spec.MicroUSD, error) {
	if c.Stake == "" {
		return 10_000_000, nil
	}
	v, err := spec.ParseMicroUSD(c.Stake)
	if err == nil && v <= 0 {
		err = fmt.Errorf("must be positive")
	}
	return v, err
}

func (c *Chain) validate(bad func(section, format string, args ...any)) {
	if !c.Enabled {
		return
	}
	if !c.Validator {
		u, err := url.Parse(c.RPC)
		if c.RPC == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "tcp") {
			bad("chain.rpc", "a node that is not a validator needs a chain node's RPC address, e.g. http://127.0.0.1:26657")
		}
	}
	if _, err := c.BlockInterval(); err != nil {
		bad("chain.blockTime", "%v", err)
	}
	if _, err := c.StakeAmount(); err != nil {
		bad("chain.stake", "%v", err)
	}
	if c.Account != "" && c.DevAccount != "" {
		bad("chain", "set account or devAccount, not both")
	}
	if c.Faucet != "" && !strings.HasPrefix(c.Faucet, "//") {
		bad("chain.faucet", "must be a development URI like //Alice")
	}
	if c.DevAccount != "" && !strings.HasPrefix(c.DevAccount, "//") {
		bad("chain.devAccount", "must be a development URI like //Alice; use account for a real key")
	}
	for _, p := range c.Peers {
		if !strings.Contains(p, "@") {
			bad("chain.peers", "%q is not nodeid@host:port", p)
		}
	}
}
