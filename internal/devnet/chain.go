package devnet

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"

	"github.com/opensky-network/opensky/internal/chain"
	"github.com/opensky-network/opensky/internal/config"
	"github.com/opensky-network/opensky/internal/identity"
	"github.com/opensky-network/opensky/internal/ledger"
)

// ChainID is the local network's chain.
const ChainID = "opensky-devnet"

// The local network's accounts are development keys (public by design):
// the faucet, the gateway's arbiter account, the bridge, and one account
// per provider.
const (
	FaucetURI  = "//Alice"
	GatewayURI = "//Gateway"
	BridgeURI  = "//Bridge"
)

// ProviderURI is the development account of provider i.
func ProviderURI(i int) string { return fmt.Sprintf("//Provider%d", i) }

// Genesis balances of the local network.
const (
	FaucetBalance   = 1_000_000 * ledger.USD
	ProviderBalance = 1_000 * ledger.USD
)

// Genesis is the local network's initial state for n providers.
func Genesis(providers int) (ledger.Genesis, error) {
	g := ledger.Genesis{Params: ledger.DefaultParams()}
	addr := func(uri string) (string, error) {
		a, err := identity.AccountFromURI(uri)
		if err != nil {
			return "", err
		}
		return a.Address(), nil
	}
	bridge, err := addr(BridgeURI)
	if err != nil {
		return g, err
	}
	g.Params.Bridge = bridge
	gateway, err := addr(GatewayURI)
	if err != nil {
		return g, err
	}
	g.Params.Arbiters = []string{gateway}
	fund := func(uri string, amount int64) error {
		a, err := addr(uri)
		if err == nil {
			g.Accounts = append(g.Accounts, ledger.GenesisAccount{Address: a, Balance: amount})
		}
		return err
	}
	if err := fund(FaucetURI, FaucetBalance); err != nil {
		return g, err
	}
	if err := fund(GatewayURI, 10*ledger.USD); err != nil {
		return g, err
	}
	for i := range providers {
		if err := fund(ProviderURI(i), ProviderBalance); err != nil {
			return g, err
		}
	}
	return g, g.Validate()
}

// validatorDir is the data directory of extra validator i (i >= 1; the
// gateway is validator 0).
func validatorDir(dir string, i int) string {
	return filepath.Join(dir, fmt.Sprintf("validator-%d", i))
}

// prepareChain makes the validators' keys and the genesis file under dir,
// once: a network that restarts from dir keeps its chain. The gateway is
// the first validator; extra ones get their own data directories.
func prepareChain(dir string, providers, extra int) (string, error) {
	path := filepath.Join(dir, "genesis.json")
	if _, err := os.Stat(path); err == nil {
		return path, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	homes := []string{filepath.Join(dir, "gateway", "chain")}
	for i := 1; i <= extra; i++ {
		homes = append(homes, filepath.Join(validatorDir(dir, i), "chain"))
	}
	var keys []chain.ValidatorKey
	for _, h := range homes {
		key, err := chain.InitValidator(h)
		if err != nil {
			return "", err
		}
		keys = append(keys, key)
	}
	g, err := Genesis(providers)
	if err != nil {
		return "", err
	}
	state, err := json.Marshal(g)
	if err != nil {
		return "", err
	}
	gen, err := chain.NewGenesis(ChainID, keys, state)
	if err != nil {
		return "", err
	}
	return path, gen.Save(path)
}

// chainGateway makes the gateway a validator (the only one unless peers
// are given), serving the chain's RPC to the providers on loopback.
func chainGateway(c *config.Config, genesis, p2p string, peers []string) {
	c.Chain = config.Chain{
		Enabled:    true,
		Validator:  true,
		Genesis:    genesis,
		RPCListen:  "tcp://127.0.0.1:0",
		P2PListen:  p2p,
		Peers:      peers,
		BlockTime:  "200ms",
		DevAccount: GatewayURI,
		Faucet:     FaucetURI,
	}
}

// validatorOnly is the configuration of an extra validator: no gateway,
// no provider, only its part in consensus.
func validatorOnly(dir, genesis, p2p string, peers []string) config.Config {
	c := base(dir)
	c.Gateway.Enabled, c.Provider.Enabled = false, false
	c.Chain = config.Chain{Enabled: true, Validator: true, Genesis: genesis, P2PListen: p2p, Peers: peers, BlockTime: "200ms"}
	return c
}

// validatorAddrs picks a free consensus address for each of n validators
// and reads their node IDs, so each can be given the others as peers.
func validatorAddrs(dir string, n int) (listen, peers []string, err error) {
	for i := range n {
		home := filepath.Join(dir, "gateway", "chain")
		if i > 0 {
			home = filepath.Join(validatorDir(dir, i), "chain")
		}
		key, err := chain.InitValidator(home)
		if err != nil {
			return nil, nil, err
		}
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, nil, err
		}
		addr := l.Addr().String()
		l.Close()
		listen = append(listen, "tcp://"+addr)
		peers = append(peers, key.NodeID+"@"+addr)
	}
	return listen, peers, nil
}

// others is every peer but the i-th.
func others(peers []string, i int) []string {
	var out []string
	for j, p := range peers {
		if j != i {
			out = append(out, p)
		}
	}
	return out
}

// chainProvider connects provider i to the chain at rpc with its own
// development account.
func chainProvider(c *config.Config, i int, rpc string) {
	c.Chain = config.Chain{Enabled: true, RPC: rpc, DevAccount: ProviderURI(i)}
}
