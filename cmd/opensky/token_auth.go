package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/identity"
)

// devAccountURI is the account the CLI signs with on a local development
// network when no wallet exists: a public development key, which holds
// nothing of value there.
const devAccountURI = "//Alice"

// requestAccount is the account that signs the CLI's requests, found on
// the first request: none when the gateway does not require
// authentication (its public node info says so), else the wallet named by
// --wallet or OPENSKY_WALLET ("default" otherwise). On a local development
// network, when no wallet was named and the default one does not exist,
// the development account //Alice signs.
func (g *globals) requestAccount(ctx context.Context) (*identity.Account, error) {
	n, err := api.NewClient(g.API, api.WithUserAgent("opensky/"+buildVersion())).Node(ctx)
	if err != nil || n.Auth == nil || !n.Auth.Required {
		// An unreachable gateway is reported by the request itself.
		return nil, nil
	}
	return g.signingAccount(n.Auth.DevAccounts)
}

// signingAccount is the wallet that signs (see requestAccount); dev says
// whether the gateway is a local development network.
func (g *globals) signingAccount(dev bool) (*identity.Account, error) {
	name, named := g.walletName()
	path, err := walletPath(name)
	if err != nil {
		return nil, err
	}
	_, statErr := os.Stat(path)
	if dev && !named && errors.Is(statErr, fs.ErrNotExist) {
		return identity.AccountFromURI(devAccountURI)
	}
	a, err := loadWallet(g, name)
	if err != nil {
		return nil, fmt.Errorf("the gateway at %s requires authentication, and the wallet that signs requests is not available: %w\n(or set %s to an API token made with 'opensky token create')", g.API, err, api.EnvToken)
	}
	return a, nil
}

// walletName is the wallet that signs: the command's --wallet flag when it
// has one, else OPENSKY_WALLET, else "default". named is false for the
// implicit default.
func (g *globals) walletName() (name string, named bool) {
	if g.cmd != nil {
		if f := g.cmd.Flag(flagWallet); f != nil {
			return f.Value.String(), f.Changed || os.Getenv(envWallet) != ""
		}
	}
	return walletNameFlag(), os.Getenv(envWallet) != ""
}

// signedClient is a client that signs with the wallet even when an API
// token is set: making a token takes a signature.
func (g *globals) signedClient() *api.Client {
	return api.NewClient(g.API, api.WithUserAgent("opensky/"+buildVersion()), api.WithAccountFunc(g.requestAccount))
}
