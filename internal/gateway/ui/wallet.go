package ui

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/gateway/auth"
	"github.com/opensky-network/opensky/internal/ledger"
)

// The wallet page shows the signed-in account's money on the chain: its
// balance, what it has locked in job escrows and storage deals, its stake
// if it registered a provider, what it was paid and paid over the recent
// transactions (a chart over block heights), and those transactions a
// page at a time. It shows the signed-in account only: there is no way
// to ask it for another.

// AccountHistory is the optional part of a Chain that lists the
// transactions that touched an account, newest first, page counting from
// 1: with it the wallet shows the account's payments and a provider's
// page its earnings. The gateway's Chain satisfies it.
type AccountHistory interface {
	TxHistory(ctx context.Context, addr string, page, perPage int) (api.TxPage, error)
}

// Bounds of the wallet page.
const (
	// walletTxsPerPage is the transactions a page of the table shows.
	walletTxsPerPage = 20
	// maxChartTxs is how many of the newest transactions the charts and
	// the sums read.
	maxChartTxs = 500
	// maxWalletPage bounds ?page=.
	maxWalletPage = 10_000
	// maxEscrowLookups bounds the escrows whose state the page reads.
	maxEscrowLookups = 50
)

// errNoSuchPage is a ?page= past the last page.
var errNoSuchPage = errors.New("no such page")

// walletView is the content of the wallet page.
type walletView struct {
	SignIn   bool // the gateway signs no one in: there is no wallet to show
	HasChain bool
	Account  string
	Exists   bool // the chain has seen the account
	Balance  int64
	// Escrowed is what the account's open job escrows hold, Escrows how
	// many they are; read from the escrows its recent transactions
	// locked.
	Escrowed int64
	Escrows  int
	// EscrowsCounted is false when the transactions, and so the
	// escrows, could not be read.
	EscrowsCounted bool
	// DealsLocked is what its storage deals still hold, Deals how many
	// are not closed.
	DealsLocked int64
	Deals       int
	Stake       int64
	Unbonding   int64
	Provider    *ledger.ProviderView // the provider it registered, if any
	Notes       []string             // what could not be read
	History     *walletHistory       // nil without a history
	NoHistory   bool                 // the chain lists no account's transactions
}

// walletHistory is the account's transactions on the wallet page.
type walletHistory struct {
	Total  int // transactions in all
	Window int // the newest ones the chart and the sums read
	flowTotals
	Chart       LineChart
	Rows        []txRow
	Page, Pages int
	First, Last int // the rows shown, counting from 1
	Prev, Next  string
}

// txRow is one transaction in the table, from the account's side.
type txRow struct {
	Height int64
	Hash   string
	Kind   string
	Failed bool
	Flows  []flowView
}

// flowView is one amount of a transaction row.
type flowView struct {
	Amount string // signed: "+$1.000000", "-$0.500000"
	In     bool
	Party  string // the other side in full
	Short  string // as shown
}

// wallet shows the signed-in account's wallet.
func (h *Handler) wallet(w http.ResponseWriter, r *http.Request) {
	page, ok := pageParam(r.URL.Query().Get("page"))
	if !ok {
		h.renderError(w, r, http.StatusBadRequest, "Bad page number",
			fmt.Sprintf("The page number must be a whole number from 1 to %d.", maxWalletPage))
		return
	}
	v := walletView{HasChain: h.chain != nil}
	acct, ok := auth.AccountFrom(r.Context())
	if h.sessions == nil || !ok {
		v.SignIn = true
		h.renderWallet(w, r, v)
		return
	}
	v.Account = acct
	if h.chain == nil {
		h.renderWallet(w, r, v)
		return
	}
	ctx := r.Context()
	var av ledger.AccountView
	if err := chainQuery(ctx, h.chain, ledger.QueryAccount+acct, &av); err != nil {
		h.failBackend(w, r, "your account from the chain", err)
		return
	}
	v.Exists, v.Balance, v.Stake, v.Unbonding = av.Exists, av.Balance, av.Stake, av.Unbonding
	h.walletDeals(ctx, &v)
	if av.Stake > 0 || av.Unbonding > 0 {
		var pv ledger.ProviderView
		if err := chainQuery(ctx, h.chain, ledger.QueryProvider+acct, &pv); err == nil {
			v.Provider = &pv
		}
	}
	hist, ok := h.chain.(AccountHistory)
	v.NoHistory = !ok
	if ok {
		wh, txs, err := walletTxs(ctx, hist, acct, page, h.chainHeight(ctx))
		switch {
		case errors.Is(err, errNoSuchPage):
			h.renderError(w, r, http.StatusNotFound, "No such page",
				fmt.Sprintf("Your transactions fill %d page%s; there is no page %d.", wh.Pages, plural(int64(wh.Pages)), page))
			return
		case err != nil:
			h.log.Warn("wallet history failed", "account", acct, "err", err)
			v.Notes = append(v.Notes, "Your transactions could not be read: the chart and the table are missing.")
		default:
			v.History = wh
			h.walletEscrows(ctx, &v, txs)
		}
	}
	h.renderWallet(w, r, v)
}

func (h *Handler) renderWallet(w http.ResponseWriter, r *http.Request, v walletView) {
	h.render(w, r, http.StatusOK, "wallet", view{Title: "Wallet", Nav: "wallet", Data: v})
}

// walletDeals adds what the account's storage deals still hold.
func (h *Handler) walletDeals(ctx context.Context, v *walletView) {
	var deals []ledger.Deal
	if err := chainQuery(ctx, h.chain, ledger.QueryDealsByOwner+v.Account, &deals); err != nil {
		h.log.Warn("wallet deals failed", "account", v.Account, "err", err)
		v.Notes = append(v.Notes, "Your storage deals could not be read.")
		return
	}
	for _, d := range deals {
		if d.State == ledger.DealClosed || d.Balance <= 0 {
			continue
		}
		v.Deals++
		v.DealsLocked = satAdd(v.DealsLocked, d.Balance)
	}
}

// walletEscrows adds what the account's open escrows hold: the escrows
// that txs (newest first) show it locking and not yet settled or
// expired, as the chain has them now.
func (h *Handler) walletEscrows(ctx context.Context, v *walletView, txs []api.TxResult) {
	v.EscrowsCounted = true
	open := lockedEscrows(txs, v.Account)
	if len(open) > maxEscrowLookups {
		open = open[:maxEscrowLookups]
		v.Notes = append(v.Notes, fmt.Sprintf("Only your %d most recent open escrows are counted.", maxEscrowLookups))
	}
	failed := 0
	for _, id := range open {
		var e ledger.Escrow
		if err := chainQuery(ctx, h.chain, ledger.QueryEscrow+id, &e); err != nil {
			failed++
			continue
		}
		if e.Owner == v.Account && e.Holds() {
			v.Escrows++
			v.Escrowed = satAdd(v.Escrowed, e.Amount)
		}
	}
	if failed > 0 {
		h.log.Warn("wallet escrows failed", "account", v.Account, "failed", failed)
		v.Notes = append(v.Notes, fmt.Sprintf("%d of your escrows could not be read: what they hold is not counted.", failed))
	}
}

// walletTxs reads the account's newest transactions for the chart (to
// the chain's height) and the sums, and the page of the table; it
// returns the history and the newest transactions. A page past the last is errNoSuchPage, with
// Pages set.
func walletTxs(ctx context.Context, hist AccountHistory, acct string, page int, height int64) (*walletHistory, []api.TxResult, error) {
	recent, err := hist.TxHistory(ctx, acct, 1, maxChartTxs)
	if err != nil {
		return nil, nil, fmt.Errorf("transactions of %s: %w", acct, err)
	}
	txs := recent.Txs
	if len(txs) > maxChartTxs {
		txs = txs[:maxChartTxs]
	}
	wh := &walletHistory{Total: max(recent.Total, len(txs)), Window: len(txs), Page: page}
	wh.Pages = max(1, (wh.Total+walletTxsPerPage-1)/walletTxsPerPage)
	if page > wh.Pages {
		return wh, nil, errNoSuchPage
	}
	wh.Chart, wh.flowTotals = flowChart("wallet-flows", "Paid to you and by you",
		"running totals over your recent transactions; jobs and storage count when they settle", acct, height, txs,
		flowSeries{Name: "paid to you", Kinds: []flowKind{flowReceived, flowEarned}},
		flowSeries{Name: "paid by you", Kinds: []flowKind{flowPaid}})

	from := (page - 1) * walletTxsPerPage
	var rows []api.TxResult
	if from+walletTxsPerPage <= len(txs) || len(txs) == wh.Total {
		rows = txs[min(from, len(txs)):min(from+walletTxsPerPage, len(txs))]
	} else {
		p, err := hist.TxHistory(ctx, acct, page, walletTxsPerPage)
		if err != nil {
			return nil, nil, fmt.Errorf("transactions of %s, page %d: %w", acct, page, err)
		}
		rows = p.Txs[:min(len(p.Txs), walletTxsPerPage)]
	}
	for _, r := range rows {
		wh.Rows = append(wh.Rows, newTxRow(r, acct))
	}
	wh.First, wh.Last = from+1, from+len(wh.Rows)
	if page > 1 {
		wh.Prev = walletPageURL(page - 1)
	}
	if page < wh.Pages {
		wh.Next = walletPageURL(page + 1)
	}
	return wh, txs, nil
}

// chainHeight is the chain's height now, 0 when it does not say.
func (h *Handler) chainHeight(ctx context.Context) int64 {
	info, err := h.chain.ChainInfo(ctx)
	if err != nil {
		return 0
	}
	return info.Height
}

// newTxRow describes r from the account's side.
func newTxRow(r api.TxResult, me string) txRow {
	row := txRow{Height: r.Height, Hash: r.Hash, Kind: txKind(r), Failed: r.Code != uint32(ledger.CodeOK)}
	for _, f := range txFlows(r, me) {
		fv := flowView{In: f.Delta >= 0, Party: f.Party, Short: f.Party}
		fv.Amount = "+" + ledger.FormatUSD(f.Delta)
		if f.Delta < 0 {
			fv.Amount = ledger.FormatUSD(f.Delta)
		}
		if f.Party != "" && !strings.ContainsRune(f.Party, ' ') {
			fv.Short = shortID(f.Party) // an address
		}
		row.Flows = append(row.Flows, fv)
	}
	return row
}

// pageParam reads ?page=, 1 when absent; false when it is not a page
// number.
func pageParam(s string) (int, bool) {
	if s == "" {
		return 1, true
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > maxWalletPage {
		return 0, false
	}
	return n, true
}

// walletPageURL is the path of a page of the wallet's transactions.
func walletPageURL(page int) string {
	return "/wallet?page=" + strconv.Itoa(page)
}
