package ledger

import (
	"fmt"
	"strings"
)

// Query paths. Each answers JSON.
const (
	QueryAccount    = "account/"   // + address: AccountView
	QueryProvider   = "provider/"  // + address or peer ID: ProviderView
	QueryProviders  = "providers"  // []ProviderView
	QueryEscrow     = "escrow/"    // + escrow ID: Escrow
	QueryJob        = "job/"       // + arbiter + "/" + job ID: Escrow
	QueryMarket     = "market"     // Market
	QueryParams     = "params"     // Params
	QuerySupply     = "supply"     // SupplyView
	QueryInvariants = "invariants" // Report

	QueryDeal            = "deal/"           // + deal ID: Deal
	QueryDealsByOwner    = "deals/owner/"    // + address: []Deal, the deals it opened
	QueryDealsByProvider = "deals/provider/" // + address: []Deal, the deals it holds a shard of
)

// AccountView is an account with what it has staked.
type AccountView struct {
	Account
	Stake     int64 `json:"stake"`
	Unbonding int64 `json:"unbonding"`
	Exists    bool  `json:"exists"`
}

// ProviderView is a provider with its reputation.
type ProviderView struct {
	Provider
	Reputation Reputation `json:"reputation"`
	// Score is the reputation score in parts per million.
	Score int64 `json:"score"`
}

// SupplyView is the supply and where it is held.
type SupplyView struct {
	Supply
	Total    int64  `json:"total"`
	Treasury int64  `json:"treasury"`
	ChainID  string `json:"chainId"`
	Height   int64  `json:"height"`
}

// Query answers a read-only question about the committed state, all of
// it read at one height.
func (l *Ledger) Query(path string) (any, error) {
	if path == QueryInvariants {
		return l.CheckInvariants(), nil
	}
	l.st.mu.RLock()
	defer l.st.mu.RUnlock()
	s := mapKV(l.st.data)
	switch {
	case strings.HasPrefix(path, QueryAccount):
		addr := strings.TrimPrefix(path, QueryAccount)
		if err := checkAddress("address", addr); err != nil {
			return nil, err
		}
		a, ok := getAccount(s, addr)
		v := AccountView{Account: a, Exists: ok}
		if p, ok := getProvider(s, addr); ok {
			v.Stake, v.Unbonding = p.Stake, p.Unbonding
		}
		return v, nil
	case strings.HasPrefix(path, QueryProvider):
		id := strings.TrimPrefix(path, QueryProvider)
		p, ok := getProvider(s, id)
		if !ok {
			p, ok = providerByPeer(s, id)
		}
		if !ok {
			return nil, txErr(CodeNotFound, "no provider %s", printable(id))
		}
		return providerView(s, p), nil
	case path == QueryProviders:
		out := []ProviderView{}
		for _, k := range s.keys(prefProvider) {
			p, _ := getProvider(s, strings.TrimPrefix(k, prefProvider))
			out = append(out, providerView(s, p))
		}
		return out, nil
	case strings.HasPrefix(path, QueryEscrow):
		id := strings.TrimPrefix(path, QueryEscrow)
		e, ok := getEscrow(s, id)
		if !ok {
			return nil, txErr(CodeNotFound, "no escrow %s", printable(id))
		}
		return e, nil
	case strings.HasPrefix(path, QueryJob):
		job := strings.TrimPrefix(path, QueryJob)
		var id string
		if !read(s, prefJob+job, &id) || !strings.Contains(job, "/") {
			return nil, txErr(CodeNotFound, "no escrow for job %s", printable(job))
		}
		e, _ := getEscrow(s, id)
		return e, nil
	case strings.HasPrefix(path, QueryDeal), strings.HasPrefix(path, "deals/"):
		if v, ok, err := queryDeals(s, path); ok {
			return v, err
		}
	case path == QueryMarket:
		return getMarket(s), nil
	case path == QueryParams:
		return getParams(s), nil
	case path == QuerySupply:
		sup := getSupply(s)
		var chainID string
		read(s, keyChainID, &chainID)
		return SupplyView{Supply: sup, Total: sup.Total(), Treasury: getTreasury(s).Balance, ChainID: chainID, Height: l.st.height}, nil
	}
	return nil, txErr(CodeNotFound, "unknown query path %s", printable(path))
}

func providerView(s kv, p Provider) ProviderView {
	r := getReputation(s, p.Address)
	return ProviderView{Provider: p, Reputation: r, Score: r.Score()}
}

// QueryJSON answers Query in canonical JSON.
func (l *Ledger) QueryJSON(path string) ([]byte, error) {
	v, err := l.Query(path)
	if err != nil {
		return nil, err
	}
	b, err := marshal(v)
	if err != nil {
		return nil, fmt.Errorf("ledger: encode %s: %w", path, err)
	}
	return b, nil
}
