package ui

import (
	"net/http"
	"slices"
	"strings"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/ledger"
)

// providerRow is one provider on the providers page: what the
// orchestrator sees of it and, with a chain, its registration.
type providerRow struct {
	api.Provider
	Online bool
	Chain  *ledger.ProviderView // nil when not registered, or without a chain
}

// providersView is the content of the providers page.
type providersView struct {
	HasChain bool
	ChainErr bool // the chain did not answer; its columns are empty
	Rows     []providerRow
	Online   int
}

// providers lists the providers online and, with a chain, the registered
// ones that are not.
func (h *Handler) providers(w http.ResponseWriter, r *http.Request) {
	ps, err := h.b.Providers(r.Context())
	if err != nil {
		h.failBackend(w, r, "the providers", err)
		return
	}
	v := providersView{HasChain: h.chain != nil, Online: len(ps)}
	var registered []ledger.ProviderView
	if h.chain != nil {
		if err := chainQuery(r.Context(), h.chain, ledger.QueryProviders, &registered); err != nil {
			h.log.Warn("chain providers failed", "err", err)
			v.ChainErr = true
		}
	}
	byPeer := make(map[string]*ledger.ProviderView, len(registered))
	for i := range registered {
		byPeer[registered[i].PeerID] = &registered[i]
	}
	for _, p := range ps {
		row := providerRow{Provider: p, Online: true, Chain: byPeer[p.Peer]}
		delete(byPeer, p.Peer)
		v.Rows = append(v.Rows, row)
	}
	for i := range registered {
		reg := &registered[i]
		if _, offline := byPeer[reg.PeerID]; !offline {
			continue
		}
		v.Rows = append(v.Rows, providerRow{Provider: api.Provider{Peer: reg.PeerID}, Chain: reg})
	}
	slices.SortStableFunc(v.Rows, func(a, b providerRow) int {
		if a.Online != b.Online {
			if a.Online {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Peer, b.Peer)
	})
	h.render(w, r, http.StatusOK, "providers", view{Title: "Providers", Nav: "providers", Data: v})
}
