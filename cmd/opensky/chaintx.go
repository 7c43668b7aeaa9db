package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/identity"
	"github.com/opensky-network/opensky/internal/ledger"
	"github.com/opensky-network/opensky/internal/spec"
)

// signAndSend signs msg with acct for the gateway's chain at the
// account's next nonce, broadcasts it and returns its result once it is
// in a block. A nonce the chain refuses (another transaction of the
// account got in first) is read again and the message signed anew, once.
func signAndSend(ctx context.Context, g *globals, acct *identity.Account, msg ledger.Msg) (api.TxResult, error) {
	c := g.client()
	info, err := chainInfo(ctx, c)
	if err != nil {
		return api.TxResult{}, err
	}
	res, _, err := sendTx(ctx, c, info.ChainID, acct, msg)
	return res, err
}

// sendTx is signAndSend on a known chain; it also returns the nonce the
// transaction was signed with, which names what it creates (an escrow's
// ID, say).
func sendTx(ctx context.Context, c *api.Client, chainID string, acct *identity.Account, msg ledger.Msg) (api.TxResult, uint64, error) {
	for attempt := 0; ; attempt++ {
		a, err := c.Account(ctx, acct.Address())
		if err != nil {
			return api.TxResult{}, 0, fmt.Errorf("read the nonce of %s: %w", acct.Address(), err)
		}
		tx, err := ledger.NewTx(acct, chainID, a.Nonce, msg)
		if err != nil {
			return api.TxResult{}, 0, fmt.Errorf("sign %s: %w", msg.Type(), err)
		}
		res, err := c.BroadcastTx(ctx, tx)
		if err != nil && attempt == 0 && api.LedgerCode(err) == ledger.CodeBadNonce.String() {
			continue
		}
		return res, a.Nonce, err
	}
}

// chainInfo reads the gateway's chain, explaining a gateway without one.
func chainInfo(ctx context.Context, c *api.Client) (api.ChainInfo, error) {
	info, err := c.ChainInfo(ctx)
	if api.IsNoChain(err) {
		return info, fmt.Errorf("the gateway at %s runs without a chain: accounts, payments and provider registration need a network with one (point --api or OPENSKY_API at its gateway)", c.BaseURL())
	}
	return info, err
}

// addWalletFlag adds --wallet, the wallet a command reads or signs with.
func addWalletFlag(cmd *cobra.Command, name *string, what string) {
	cmd.Flags().StringVar(name, "wallet", walletNameFlag(), what+" (env "+envWallet+")")
}

// walletAddress reads the address of the wallet name without its
// passphrase.
func walletAddress(name string) (string, error) {
	path, err := walletPath(name)
	if err != nil {
		return "", err
	}
	addr, err := identity.ReadAddress(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("%w %q (%s): create one with 'opensky wallet new' or 'opensky wallet import', or name an address", errNoWallet, name, path)
	}
	if err != nil {
		return "", fmt.Errorf("wallet %q: %w", name, err)
	}
	return addr, nil
}

// addressArg returns args[0] when it is an account address, else the
// address of the wallet name.
func addressArg(args []string, wallet string) (string, error) {
	if len(args) == 0 {
		return walletAddress(wallet)
	}
	addr, err := identity.CanonicalAddress(args[0])
	if err != nil {
		return "", fmt.Errorf("%q is not an account address: %w", args[0], err)
	}
	return addr, nil
}

// parseUSD parses a dollar amount given on the command line ("1.5",
// "$0.25") into micro-USD; what names it in errors.
func parseUSD(what, s string, allowZero bool) (int64, error) {
	v, err := spec.ParseMicroUSD(s)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", what, err)
	}
	if v == 0 && !allowZero {
		return 0, fmt.Errorf("%s must be more than $0", what)
	}
	if int64(v) > ledger.MaxAmount {
		return 0, fmt.Errorf("%s: %s is more than the largest amount, %s", what, s, ledger.FormatUSD(ledger.MaxAmount))
	}
	return int64(v), nil
}

// eventAttr returns the attribute key of the first event of type typ.
func eventAttr(r api.TxResult, typ, key string) string {
	for _, e := range r.Events {
		if e.Type == typ {
			return e.Attrs[key]
		}
	}
	return ""
}

// attrUSD formats a micro-USD amount attribute of an event.
func attrUSD(v string) string {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return orDash(v)
	}
	return ledger.FormatUSD(n)
}

// txLine describes where a transaction landed.
func txLine(r api.TxResult) string {
	return fmt.Sprintf("tx %s, block %d", r.Hash, r.Height)
}

// yesNo formats a flag for tables.
func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
