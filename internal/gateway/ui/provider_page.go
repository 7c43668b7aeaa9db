package ui

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/ledger"
)

// A provider's page shows one provider, online or registered on the
// chain: what the orchestrator sees of it (resources, free capacity,
// prices, labels, when it was last seen) and, with a chain, its
// registration (account, stake, reputation) and what settlements and
// storage audits paid it, as a chart over block heights and a table.
// Providers are public on the network: any visitor may see any of them.

// Bounds of the provider page.
const (
	// maxPeerLen bounds a peer ID in the page's path, as the chain does.
	maxPeerLen = 128
	// maxPayoutRows bounds the payments the page lists.
	maxPayoutRows = 20
)

// providerPageView is the content of a provider's page.
type providerPageView struct {
	Peer     string
	Online   *api.Provider // nil when the orchestrator does not see it
	Labels   []label
	HasChain bool
	ChainErr bool                 // the chain did not answer
	Chain    *ledger.ProviderView // nil when not registered, or without a chain
	Earnings *providerEarnings    // nil when not registered, or without a history
	Note     string               // why the earnings are missing
}

// label is one of a provider's labels.
type label struct {
	Key, Value string
}

// providerEarnings is what the chain paid a provider, read from its
// account's newest transactions.
type providerEarnings struct {
	Window  int   // the transactions read
	Total   int   // its transactions in all
	Earned  int64 // over the transactions read
	Jobs    int   // distinct jobs paid
	Deals   int   // distinct storage deals paid
	Chart   LineChart
	Payouts []payoutRow // newest first, at most maxPayoutRows
}

// payoutRow is one payment to the provider.
type payoutRow struct {
	Height int64
	Hash   string
	For    string // "job …" or "storage deal … period …"
	Amount int64
}

// providerURL is the path of a provider's page.
func providerURL(peerID string) string {
	return "/providers/" + url.PathEscape(peerID)
}

// plausiblePeer reports whether s can be a peer ID: short, and of the
// characters of its base58 or multibase forms. Anything else is not
// looked up.
func plausiblePeer(s string) bool {
	if s == "" || len(s) > maxPeerLen {
		return false
	}
	for _, c := range []byte(s) {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// providerPage shows one provider.
func (h *Handler) providerPage(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("peer")
	notFound := func() {
		h.renderError(w, r, http.StatusNotFound, "Provider not found",
			"No provider "+clip(id, 60)+" is online or registered on the chain. The providers page lists those there are.")
	}
	if !plausiblePeer(id) {
		notFound()
		return
	}
	ctx := r.Context()
	ps, err := h.b.Providers(ctx)
	if err != nil {
		h.failBackend(w, r, "the providers", err)
		return
	}
	v := providerPageView{Peer: id, HasChain: h.chain != nil}
	if i := slices.IndexFunc(ps, func(p api.Provider) bool { return p.Peer == id }); i >= 0 {
		v.Online = &ps[i]
		for k, val := range ps[i].Labels {
			v.Labels = append(v.Labels, label{Key: k, Value: val})
		}
		slices.SortFunc(v.Labels, func(a, b label) int { return strings.Compare(a.Key, b.Key) })
	}
	if h.chain != nil {
		var registered []ledger.ProviderView
		if err := chainQuery(ctx, h.chain, ledger.QueryProviders, &registered); err != nil {
			h.log.Warn("chain providers failed", "err", err)
			v.ChainErr = true
		} else if i := slices.IndexFunc(registered, func(p ledger.ProviderView) bool { return p.PeerID == id }); i >= 0 {
			v.Chain = &registered[i]
		}
	}
	switch {
	case v.Online == nil && v.Chain == nil && v.ChainErr:
		h.failBackend(w, r, "this provider from the chain", fmt.Errorf("provider %s: the chain did not answer", id))
		return
	case v.Online == nil && v.Chain == nil:
		notFound()
		return
	}
	if v.Chain != nil {
		if hist, ok := h.chain.(AccountHistory); ok {
			e, err := providerPayouts(ctx, hist, v.Chain.Address, h.chainHeight(ctx))
			if err != nil {
				h.log.Warn("provider history failed", "provider", v.Chain.Address, "err", err)
				v.Note = "The provider's payments could not be read from the chain."
			}
			v.Earnings = e
		}
	}
	h.render(w, r, http.StatusOK, "provider", view{Title: "Provider " + shortID(id), Nav: "providers", Data: v})
}

// providerPayouts reads what settlements and storage audits paid the
// provider's account over its newest transactions, charted up to the
// chain's height.
func providerPayouts(ctx context.Context, hist AccountHistory, addr string, height int64) (*providerEarnings, error) {
	p, err := hist.TxHistory(ctx, addr, 1, maxChartTxs)
	if err != nil {
		return nil, fmt.Errorf("transactions of %s: %w", addr, err)
	}
	txs := p.Txs[:min(len(p.Txs), maxChartTxs)]
	e := &providerEarnings{Window: len(txs), Total: max(p.Total, len(txs))}
	var totals flowTotals
	e.Chart, totals = flowChart("provider-earnings", "Earnings", "running total of what job settlements and storage audits paid this provider",
		addr, height, txs, flowSeries{Name: "earned", Kinds: []flowKind{flowEarned}})
	jobs, deals := map[string]bool{}, map[string]bool{}
	for _, r := range txs {
		if r.Code != uint32(ledger.CodeOK) {
			continue
		}
		for _, ev := range r.Events {
			a := ev.Attrs
			if a["provider"] != addr || (ev.Type != "payout" && ev.Type != "storage_pay") {
				continue
			}
			v, ok := amount(a["amount"])
			if !ok {
				continue
			}
			row := payoutRow{Height: r.Height, Hash: r.Hash, Amount: v}
			if ev.Type == "payout" {
				jobs[a["job"]] = true
				row.For = "job " + a["job"]
			} else {
				deals[a["deal"]] = true
				row.For = "storage deal " + shortID(a["deal"]) + " period " + a["period"]
			}
			row.For = clip(row.For, maxPartyLen)
			if len(e.Payouts) < maxPayoutRows {
				e.Payouts = append(e.Payouts, row)
			}
		}
	}
	e.Earned, e.Jobs, e.Deals = totals.Earned, len(jobs), len(deals)
	return e, nil
}
