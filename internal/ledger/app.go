package ledger

import (
	"context"
	"fmt"

	abci "github.com/cometbft/cometbft/abci/types"
)

// App is the ledger as a CometBFT ABCI application.
type App struct {
	abci.BaseApplication
	l *Ledger
}

var _ abci.Application = (*App)(nil)

// NewApp serves l over ABCI.
func NewApp(l *Ledger) *App { return &App{l: l} }

// Ledger returns the state machine the app serves.
func (a *App) Ledger() *Ledger { return a.l }

// AppVersion is the version of the state machine's rules.
const AppVersion = 1

// Info tells CometBFT how far the application got, so that it replays
// only the blocks after it.
func (a *App) Info(context.Context, *abci.InfoRequest) (*abci.InfoResponse, error) {
	return &abci.InfoResponse{
		Data:             "opensky-ledger",
		Version:          "1",
		AppVersion:       AppVersion,
		LastBlockHeight:  a.l.Height(),
		LastBlockAppHash: a.l.AppHash(),
	}, nil
}

// InitChain writes the genesis state from the genesis file's app_state.
func (a *App) InitChain(_ context.Context, req *abci.InitChainRequest) (*abci.InitChainResponse, error) {
	g, err := ParseGenesis(req.AppStateBytes)
	if err != nil {
		return nil, err
	}
	hash, err := a.l.InitChain(req.ChainId, g)
	if err != nil {
		return nil, err
	}
	return &abci.InitChainResponse{AppHash: hash}, nil
}

// CheckTx admits a transaction to the mempool only if it would apply now.
func (a *App) CheckTx(_ context.Context, req *abci.CheckTxRequest) (*abci.CheckTxResponse, error) {
	r := a.l.CheckTx(req.Tx)
	return &abci.CheckTxResponse{Code: uint32(r.Code), Log: r.Log, Codespace: codespace(r.Code)}, nil
}

// FinalizeBlock applies a decided block.
func (a *App) FinalizeBlock(_ context.Context, req *abci.FinalizeBlockRequest) (*abci.FinalizeBlockResponse, error) {
	if err := a.l.BeginBlock(req.Height); err != nil {
		return nil, err
	}
	res := make([]*abci.ExecTxResult, len(req.Txs))
	for i, tx := range req.Txs {
		r := a.l.DeliverTx(tx)
		res[i] = &abci.ExecTxResult{Code: uint32(r.Code), Log: r.Log, Data: r.Data, Events: abciEvents(r.Events), Codespace: codespace(r.Code)}
	}
	hash, err := a.l.EndBlock()
	if err != nil {
		return nil, err
	}
	return &abci.FinalizeBlockResponse{TxResults: res, AppHash: hash}, nil
}

// Commit persists the block FinalizeBlock applied.
func (a *App) Commit(context.Context, *abci.CommitRequest) (*abci.CommitResponse, error) {
	if err := a.l.Commit(); err != nil {
		return nil, err
	}
	return &abci.CommitResponse{}, nil
}

// Query answers the paths in query.go with JSON.
func (a *App) Query(_ context.Context, req *abci.QueryRequest) (*abci.QueryResponse, error) {
	h := a.l.Height()
	if req.Height != 0 && req.Height != h {
		return &abci.QueryResponse{Code: uint32(CodeInvalid), Log: fmt.Sprintf("only the latest height (%d) can be queried", h), Height: h}, nil
	}
	b, err := a.l.QueryJSON(req.Path)
	if err != nil {
		c := CodeOf(err)
		return &abci.QueryResponse{Code: uint32(c), Log: err.Error(), Codespace: codespace(c), Height: h}, nil
	}
	return &abci.QueryResponse{Value: b, Height: h}, nil
}

func codespace(c Code) string {
	if c == CodeOK {
		return ""
	}
	return "opensky"
}

func abciEvents(es []Event) []abci.Event {
	out := make([]abci.Event, len(es))
	for i, e := range es {
		attrs := make([]abci.EventAttribute, len(e.Attrs))
		for j, a := range e.Attrs {
			attrs[j] = abci.EventAttribute{Key: a.Key, Value: a.Value, Index: true}
		}
		out[i] = abci.Event{Type: e.Type, Attributes: attrs}
	}
	return out
}
