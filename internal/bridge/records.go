package bridge

import (
	"strconv"
	"time"

	"github.com/opensky-network/opensky/internal/polkadot"
)

// DepositState is where a deposit is.
type DepositState string

// The states of a deposit.
const (
	// DepositCrediting: seen in a finalized block, valid, mint pending.
	DepositCrediting DepositState = "crediting"
	// DepositCredited: minted on OpenSky.
	DepositCredited DepositState = "credited"
	// DepositRefunding: not credited (see Reason); being sent back.
	DepositRefunding DepositState = "refunding"
	// DepositRefunded: sent back on Polkadot.
	DepositRefunded DepositState = "refunded"
	// DepositFees: a top-up of the bridge account's fees (FeesMemo).
	DepositFees DepositState = "fees"
	// DepositIgnored: a transfer of nothing; there is nothing to credit or
	// send back.
	DepositIgnored DepositState = "ignored"
)

// Deposit is a transfer to the bridge account seen in a finalized block.
type Deposit struct {
	// Ref names the deposit on the ledger: "dot:<block hash>:<event index>".
	Ref       string       `json:"ref"`
	Block     uint64       `json:"block"`
	BlockHash string       `json:"blockHash"`
	Extrinsic int          `json:"extrinsic"`
	Event     uint32       `json:"event"`
	From      string       `json:"from"` // OpenSky (SS58 42) form of the sender
	Amount    string       `json:"amount"`
	USD       int64        `json:"usd"` // micro-USD credited; 0 when refused
	State     DepositState `json:"state"`
	Reason    string       `json:"reason,omitempty"`
	MintTx    string       `json:"mintTx,omitempty"`
	Refund    string       `json:"refund,omitempty"` // payout ID of the refund
	Seen      time.Time    `json:"seen"`
	Updated   time.Time    `json:"updated"`
}

// PayoutKind is why the bridge pays on Polkadot.
type PayoutKind string

// The kinds of payouts.
const (
	PayoutWithdrawal PayoutKind = "withdrawal"
	PayoutRefund     PayoutKind = "refund"
	PayoutAnchor     PayoutKind = "anchor" // a remark only, no transfer
)

// PayoutState is where a payout is.
type PayoutState string

// The states of a payout (and of an anchor, which goes the same way).
const (
	// PayoutQueued: waiting its turn; nothing was sent.
	PayoutQueued PayoutState = "queued"
	// PayoutSubmitted: sent, or possibly sent (the bridge stopped while
	// sending); it waits until the era ends before sending again.
	PayoutSubmitted PayoutState = "submitted"
	// PayoutDone: its remark is in a finalized block.
	PayoutDone PayoutState = "done"
	// PayoutRefused: it cannot be paid on Polkadot (see Reason); a
	// withdrawal is then minted back on OpenSky.
	PayoutRefused PayoutState = "refused"
)

// Payout is one transaction of the bridge account on Polkadot: a
// withdrawal, a refund of a deposit, or an anchor.
type Payout struct {
	ID     string      `json:"id"` // "withdrawal:<burn tx>", "refund:<deposit ref>", "anchor:<height>"
	Seq    uint64      `json:"seq"`
	Kind   PayoutKind  `json:"kind"`
	State  PayoutState `json:"state"`
	Reason string      `json:"reason,omitempty"`
	// Account is the OpenSky account the payout concerns (the burner, the
	// depositor); empty for anchors.
	Account string `json:"account,omitempty"`
	To      string `json:"to,omitempty"` // Polkadot account paid (SS58 42)
	Amount  string `json:"amount,omitempty"`
	USD     int64  `json:"usd,omitempty"`
	Memo    string `json:"memo"`
	// OpenSky side: the burn, or the height and hash an anchor records.
	BurnTx     string `json:"burnTx,omitempty"`
	BurnHeight int64  `json:"burnHeight,omitempty"`
	Height     int64  `json:"height,omitempty"`
	Hash       string `json:"hash,omitempty"`
	// Polkadot side.
	Attempts int    `json:"attempts"`
	Refusals int    `json:"refusals,omitempty"` // attempts Polkadot included but failed
	Tx       string `json:"tx,omitempty"`       // extrinsic hash of the last attempt
	Nonce    uint64 `json:"nonce,omitempty"`
	// NonceSet: the payout keeps Nonce for its next attempt. An attempt
	// that was not included leaves its nonce unused; sending again with the
	// same one means at most one of them can ever land.
	NonceSet  bool      `json:"nonceSet,omitempty"`
	Expires   uint64    `json:"expires,omitempty"` // last block the attempt can land in
	Block     uint64    `json:"block,omitempty"`
	BlockHash string    `json:"blockHash,omitempty"`
	Extrinsic int       `json:"extrinsic,omitempty"`
	Event     uint32    `json:"event,omitempty"`
	RetryAt   time.Time `json:"retryAt,omitzero"`
	Created   time.Time `json:"created"`
	Updated   time.Time `json:"updated"`
	// RemintTx is the OpenSky mint that gave a refused withdrawal back.
	RemintTx string `json:"remintTx,omitempty"`
}

// Anchor is a finished anchor as verify-anchor needs it.
type Anchor struct {
	Height    int64  `json:"height"`
	Hash      string `json:"hash"`
	ChainID   string `json:"chainId"`
	Memo      string `json:"memo"`
	Block     uint64 `json:"block"`
	BlockHash string `json:"blockHash"`
	Extrinsic int    `json:"extrinsic"`
	Event     uint32 `json:"event"`
	Signer    string `json:"signer"`
}

// Status is the bridge at a glance.
type Status struct {
	Account      string    `json:"account"` // the bridge account (SS58 42)
	Asset        string    `json:"asset"`
	Decimals     int       `json:"decimals"`
	Genesis      string    `json:"genesis"` // Polkadot genesis hash
	ChainID      string    `json:"chainId"`
	Reachable    bool      `json:"reachable"`
	LastError    string    `json:"lastError,omitempty"`
	Since        time.Time `json:"since,omitzero"` // unreachable since
	Finalized    uint64    `json:"finalized"`      // Polkadot finalized head last seen
	Processed    uint64    `json:"processed"`      // last Polkadot block scanned
	OpenSky      int64     `json:"opensky"`        // last OpenSky height scanned for burns
	Pending      int       `json:"pending"`        // payouts and anchors not done
	LastAnchor   int64     `json:"lastAnchor"`
	AnchorEvery  int64     `json:"anchorEvery"`
	Deposits     int       `json:"deposits"`
	Withdrawals  int       `json:"withdrawals"`
	Confirmation string    `json:"confirmation"` // what a deposit waits for
	// PolkadotRPC is the Polkadot node the bridge watches, for clients
	// that send deposits through the same node.
	PolkadotRPC string `json:"polkadotRpc,omitempty"`
}

// refOf names a deposit by the Transfer event that made it.
func refOf(h polkadot.Hash, event uint32) string {
	return "dot:" + h.Hex() + ":" + strconv.FormatUint(uint64(event), 10)
}
