package main

import (
	"cmp"
	"fmt"
	"os"
	"sync"

	"github.com/spf13/cobra"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/config"
	"github.com/opensky-network/opensky/internal/identity"
)

// globals are the settings every command shares, from persistent flags.
type globals struct {
	// API is the gateway's base URL (--api, env OPENSKY_API).
	API string
	// LogLevel is debug, info, warn or error (--log-level, env
	// OPENSKY_LOG_LEVEL).
	LogLevel string
	// Token is an API token (--token, env OPENSKY_TOKEN). Without one,
	// requests to a gateway that requires authentication are signed with
	// the wallet's account (token_auth.go).
	Token string

	// cmd is the command being run: its --wallet flag, if it has one,
	// names the wallet that signs.
	cmd *cobra.Command
	// wallets are the wallets decrypted so far, by name, so that a
	// command asks for a passphrase once.
	walletsMu sync.Mutex
	wallets   map[string]*identity.Account
}

// client returns an API client for the configured gateway, authenticated
// with the API token when there is one, else with the wallet's signature
// when the gateway asks for one.
func (g *globals) client() *api.Client {
	auth := api.WithAccountFunc(g.requestAccount)
	if g.Token != "" {
		auth = api.WithToken(g.Token)
	}
	return api.NewClient(g.API, api.WithUserAgent("opensky/"+buildVersion()), auth)
}

// defaultAPI is the gateway address used when neither --api nor
// OPENSKY_API is given.
var defaultAPI = fmt.Sprintf("http://127.0.0.1:%d", config.DefaultAPIPort)

// newRootCmd builds the command tree.
func newRootCmd(g *globals) *cobra.Command {
	root := &cobra.Command{
		Use:   "opensky",
		Short: "Run jobs on the OpenSky decentralized compute network",
		Long: `OpenSky runs WebAssembly and container jobs on machines that people share.

The job commands talk to a gateway's HTTP API: start a local network with
'opensky up', or point --api (env OPENSKY_API) at a gateway.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	pf := root.PersistentFlags()
	pf.StringVar(&g.API, "api", cmp.Or(os.Getenv("OPENSKY_API"), defaultAPI), "gateway HTTP API address (env OPENSKY_API)")
	pf.StringVar(&g.LogLevel, "log-level", cmp.Or(os.Getenv("OPENSKY_LOG_LEVEL"), "warn"), "log level: debug, info, warn or error (env OPENSKY_LOG_LEVEL)")
	pf.StringVar(&g.Token, "token", os.Getenv(api.EnvToken), "API token to authenticate with instead of the wallet's signature (env "+api.EnvToken+"; see 'opensky token create')")
	root.PersistentPreRun = func(cmd *cobra.Command, _ []string) { g.cmd = cmd }

	root.AddCommand(
		newVersionCmd(),
		newWasmCmd(g),
		newDockerCmd(g),
		newImageCmd(),
		newJobCmd(g),
		newProviderCmd(g),
		newWalletCmd(g),
		newChainCmd(g),
		newTokenCmd(g),
		newStorageCmd(g),
		newBridgeCmd(g),
		newEscrowCmd(g),
	)
	addNetworkCommands(root, g)
	return root
}
