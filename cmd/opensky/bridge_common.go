package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/bridge"
	"github.com/opensky-network/opensky/internal/polkadot"
)

// bridgeStatus reads the gateway's bridge, explaining a gateway without
// one and a bridge that is not running.
func bridgeStatus(ctx context.Context, c *api.Client) (bridge.Status, error) {
	st, err := c.BridgeStatus(ctx)
	var ae *api.APIError
	if errors.As(err, &ae) {
		switch ae.Status {
		case http.StatusNotFound:
			return st, fmt.Errorf("the gateway at %s runs no Polkadot bridge: deposits, withdrawals and anchors need a gateway started with the bridge (opensky up --polkadot URL, or bridge.enabled; see docs/polkadot.md)", c.BaseURL())
		case http.StatusServiceUnavailable:
			return st, fmt.Errorf("the gateway's Polkadot bridge is not running: %s", ae.Body.Message)
		}
	}
	return st, err
}

// changeLine returns a function that prints a line of progress on w only
// when it differs from the last one, for commands that poll.
func changeLine(w io.Writer) func(string) {
	last := ""
	return func(s string) {
		if s != last {
			fmt.Fprintln(w, s)
			last = s
		}
	}
}

// dialPolkadot connects to the Polkadot node at url, or to the one the
// bridge watches when url is empty, and checks it is the bridge's chain.
func dialPolkadot(ctx context.Context, url string, st bridge.Status) (*polkadot.Client, error) {
	if url == "" {
		url = st.PolkadotRPC
	}
	if url == "" {
		return nil, errors.New("the bridge does not say which Polkadot node it watches: name one with --polkadot URL")
	}
	asset, err := polkadot.ParseAsset(st.Asset)
	if err != nil {
		return nil, fmt.Errorf("the bridge's asset %q: %w", st.Asset, err)
	}
	pd, err := polkadot.Dial(ctx, polkadot.Options{URL: url, Asset: asset, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return nil, fmt.Errorf("connect to Polkadot at %s: %w", url, err)
	}
	if g := pd.Genesis().Hex(); g != st.Genesis {
		pd.Close()
		return nil, fmt.Errorf("the Polkadot node at %s is on the chain with genesis %s, but the bridge watches %s", url, g, st.Genesis)
	}
	return pd, nil
}
