package main

import (
	"cmp"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/config"
)

// globals are the settings every command shares, from persistent flags.
type globals struct {
	// API is the gateway's base URL (--api, env OPENSKY_API).
	API string
	// LogLevel is debug, info, warn or error (--log-level, env
	// OPENSKY_LOG_LEVEL).
	LogLevel string
}

// client returns an API client for the configured gateway.
func (g *globals) client() *api.Client {
	return api.NewClient(g.API, api.WithUserAgent("opensky/"+buildVersion()))
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

	root.AddCommand(
		newVersionCmd(),
		newWasmCmd(g),
		newDockerCmd(g),
		newImageCmd(),
		newJobCmd(g),
		newProviderCmd(g),
		newWalletCmd(g),
		newChainCmd(g),
	)
	addNetworkCommands(root, g)
	return root
}
