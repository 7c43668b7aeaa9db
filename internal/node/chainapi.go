package node

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/chain"
	"github.com/opensky-network/opensky/internal/gateway"
	"github.com/opensky-network/opensky/internal/identity"
	"github.com/opensky-network/opensky/internal/ledger"
	"github.com/opensky-network/opensky/internal/ledger/ledgerclient"
)

// FaucetAmount is what a local network's faucet gives per request.
const FaucetAmount = 100 * ledger.USD

// chainAPI serves the chain to the gateway.
type chainAPI struct {
	c       *ledgerclient.Client
	arbiter string
	faucet  *ledgerclient.Sender // nil without a faucet
}

var _ gateway.Chain = (*chainAPI)(nil)

func newChainAPI(c *ledgerclient.Client, arbiter string, faucet *ledgerclient.Sender) *chainAPI {
	return &chainAPI{c: c, arbiter: arbiter, faucet: faucet}
}

func (a *chainAPI) ChainInfo(ctx context.Context) (api.ChainInfo, error) {
	st, err := a.c.Chain().Status(ctx)
	if err != nil {
		return api.ChainInfo{}, fmt.Errorf("chain status: %w: %w", gateway.ErrUnavailable, err)
	}
	p, err := a.c.Params(ctx)
	if err != nil {
		return api.ChainInfo{}, fmt.Errorf("chain params: %w: %w", gateway.ErrUnavailable, err)
	}
	return api.ChainInfo{
		ChainID: st.ChainID, Height: st.Height, BlockHash: hex.EncodeToString(st.BlockHash), AppHash: hex.EncodeToString(st.AppHash),
		BlockTime: st.BlockTime, Validators: st.Validators, CatchingUp: st.CatchingUp,
		Arbiter: a.arbiter, FeeBps: p.FeeBps, Faucet: a.faucet != nil,
	}, nil
}

func (a *chainAPI) ChainQuery(ctx context.Context, path string) (json.RawMessage, error) {
	if job, ok := strings.CutPrefix(path, ledger.QueryJob); ok {
		// Job IDs are this gateway's: its arbiter account names them.
		path = ledger.QueryJob + a.arbiter + "/" + job
	}
	return a.c.QueryRaw(ctx, path)
}

func (a *chainAPI) BroadcastTx(ctx context.Context, tx []byte) (api.TxResult, error) {
	r, err := a.c.Broadcast(ctx, tx)
	if r == nil {
		return api.TxResult{}, err
	}
	return txResult(*r), err
}

// historyQueries find the transactions that touched an account: sent by
// it, paid to it, or settled for it.
var historyQueries = []string{"message.sender", "transfer.to", "payout.provider", "settle.owner", "slash.to", "escrow_expire.owner", "mint.to",
	"storage_pay.provider", "storage_lost.to", "storage_close.owner"}

func (a *chainAPI) TxHistory(ctx context.Context, addr string, page, perPage int) (api.TxPage, error) {
	if _, err := identity.ParseAddress(addr); err != nil {
		return api.TxPage{}, &ledger.TxError{Code: ledger.CodeInvalid, Reason: err.Error()}
	}
	seen := map[string]api.TxResult{}
	for _, q := range historyQueries {
		for p := 1; ; p++ {
			rs, total, err := a.c.Chain().TxSearch(ctx, fmt.Sprintf("%s='%s'", q, addr), p, 100)
			if err != nil {
				return api.TxPage{}, fmt.Errorf("search %s: %w: %w", q, gateway.ErrUnavailable, err)
			}
			for _, r := range rs {
				t := txResult(r)
				seen[t.Hash] = t
			}
			if p*100 >= total || len(rs) == 0 || p >= 10 {
				break
			}
		}
	}
	all := make([]api.TxResult, 0, len(seen))
	for _, t := range seen {
		all = append(all, t)
	}
	slices.SortFunc(all, func(x, y api.TxResult) int {
		if x.Height != y.Height {
			return int(y.Height - x.Height)
		}
		return strings.Compare(x.Hash, y.Hash)
	})
	out := api.TxPage{Total: len(all), Txs: []api.TxResult{}}
	from := (page - 1) * perPage
	if from < len(all) {
		out.Txs = all[from:min(from+perPage, len(all))]
	}
	return out, nil
}

func (a *chainAPI) Faucet(ctx context.Context, addr string) (api.TxResult, error) {
	if a.faucet == nil {
		return api.TxResult{}, fmt.Errorf("this network has no faucet: %w", gateway.ErrNotFound)
	}
	if _, err := identity.ParseAddress(addr); err != nil {
		return api.TxResult{}, &ledger.TxError{Code: ledger.CodeInvalid, Reason: err.Error()}
	}
	r, err := a.faucet.Send(ctx, &ledger.MsgTransfer{To: addr, Amount: FaucetAmount, Memo: "faucet"})
	if r == nil {
		return api.TxResult{}, err
	}
	return txResult(*r), err
}

func txResult(r chain.TxResult) api.TxResult {
	t := api.TxResult{Hash: fmt.Sprintf("%X", r.Hash), Height: r.Height, Code: r.Code, Codespace: r.Codespace, Log: r.Log, Data: string(r.Data)}
	for _, e := range r.Events {
		ev := api.TxEvent{Type: e.Type, Attrs: map[string]string{}}
		for _, at := range e.Attributes {
			ev.Attrs[at.Key] = at.Value
		}
		t.Events = append(t.Events, ev)
	}
	return t
}
