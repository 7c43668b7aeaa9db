package ui

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/ledger"
)

// chainSummary is what the dashboard and the chain page show of the chain.
// Err is set, and the rest may be partial, when the chain did not answer.
type chainSummary struct {
	Info   api.ChainInfo
	Supply ledger.SupplyView
	Market ledger.Market
	Err    string
}

// chainQuery decodes the ledger's answer to path into v.
func chainQuery(ctx context.Context, c Chain, path string, v any) error {
	raw, err := c.ChainQuery(ctx, path)
	if err != nil {
		return fmt.Errorf("query %s: %w", path, err)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("decode %s: %w", path, err)
	}
	return nil
}

// loadChainSummary reads the chain's status, supply and market; nil
// without a chain. A chain that does not answer is a note on the page,
// not a failed page.
func (h *Handler) loadChainSummary(r *http.Request) *chainSummary {
	if h.chain == nil {
		return nil
	}
	ctx := r.Context()
	var cs chainSummary
	err := func() error {
		info, err := h.chain.ChainInfo(ctx)
		if err != nil {
			return fmt.Errorf("chain info: %w", err)
		}
		cs.Info = info
		if err := chainQuery(ctx, h.chain, ledger.QuerySupply, &cs.Supply); err != nil {
			return err
		}
		return chainQuery(ctx, h.chain, ledger.QueryMarket, &cs.Market)
	}()
	if err != nil {
		h.log.Warn("chain summary failed", "path", r.URL.Path, "err", err)
		cs.Err = "The chain did not answer; the figures below may be missing."
	}
	return &cs
}

// chainPage shows the chain's status, supply and market, or says that
// this gateway has no chain.
func (h *Handler) chainPage(w http.ResponseWriter, r *http.Request) {
	cs := h.loadChainSummary(r)
	status := http.StatusOK
	if cs != nil && cs.Err != "" {
		status = http.StatusServiceUnavailable
	}
	h.render(w, r, status, "chain", view{Title: "Chain", Nav: "chain", Data: cs})
}
