package devnet

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
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

// prepareChain makes the gateway's validator keys and the genesis file
// under dir, once: a network that restarts from dir keeps its chain.
func prepareChain(dir string, providers int) (string, error) {
	path := filepath.Join(dir, "genesis.json")
	if _, err := os.Stat(path); err == nil {
		return path, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	key, err := chain.InitValidator(filepath.Join(dir, "gateway", "chain"))
	if err != nil {
		return "", err
	}
	g, err := Genesis(providers)
	if err != nil {
		return "", err
	}
	state, err := json.Marshal(g)
	if err != nil {
		return "", err
	}
	gen, err := chain.NewGenesis(ChainID, []chain.ValidatorKey{key}, state)
	if err != nil {
		return "", err
	}
	return path, gen.Save(path)
}

// chainGateway makes the gateway the network's one validator, serving the
// chain's RPC to the providers on loopback.
func chainGateway(c *config.Config, genesis string) {
	c.Chain = config.Chain{
		Enabled:    true,
		Validator:  true,
		Genesis:    genesis,
		RPCListen:  "tcp://127.0.0.1:0",
		P2PListen:  "tcp://127.0.0.1:0",
		BlockTime:  "200ms",
		DevAccount: GatewayURI,
		Faucet:     FaucetURI,
	}
}

// chainProvider connects provider i to the chain at rpc with its own
// development account.
func chainProvider(c *config.Config, i int, rpc string) {
	c.Chain = config.Chain{Enabled: true, RPC: rpc, DevAccount: ProviderURI(i)}
}
