package chain

import (
	"errors"
	"fmt"
)

var (
	// ErrClosed is returned by calls on a closed Node.
	ErrClosed = errors.New("chain: node closed")
	// ErrTxInMempool is returned when the same tx is already in the
	// mempool or was seen recently.
	ErrTxInMempool = errors.New("chain: tx already in mempool")
	// ErrMempoolFull is returned when the mempool cannot take the tx.
	ErrMempoolFull = errors.New("chain: mempool full")
	// ErrCatchingUp is returned by broadcasts while the node is still
	// syncing blocks and does not accept txs yet.
	ErrCatchingUp = errors.New("chain: node is catching up")
)

// TxError is the application's rejection of a transaction: at CheckTx
// (Height 0, never in a block) or when the tx was executed in a block.
type TxError struct {
	Hash      []byte
	Height    int64
	Code      uint32
	Codespace string
	Log       string
}

func (e *TxError) Error() string {
	where := "rejected by CheckTx"
	if e.Height > 0 {
		where = fmt.Sprintf("failed in block %d", e.Height)
	}
	if e.Codespace != "" {
		return fmt.Sprintf("chain: tx %X %s: %s code %d: %s", e.Hash, where, e.Codespace, e.Code, e.Log)
	}
	return fmt.Sprintf("chain: tx %X %s: code %d: %s", e.Hash, where, e.Code, e.Log)
}

// QueryError is the application's answer to a query with a non-zero code.
type QueryError struct {
	Path      string
	Code      uint32
	Codespace string
	Log       string
}

func (e *QueryError) Error() string {
	if e.Codespace != "" {
		return fmt.Sprintf("chain: query %s: %s code %d: %s", e.Path, e.Codespace, e.Code, e.Log)
	}
	return fmt.Sprintf("chain: query %s: code %d: %s", e.Path, e.Code, e.Log)
}

// checkTxError is the *TxError for a result, or nil if it succeeded.
func checkTxError(r *TxResult) error {
	if r.Code == 0 {
		return nil
	}
	return &TxError{Hash: r.Hash, Height: r.Height, Code: r.Code, Codespace: r.Codespace, Log: r.Log}
}
