package polkadot

import (
	"context"
	"errors"
	"fmt"
	"math/big"

	"golang.org/x/crypto/blake2b"
)

// maxMemo bounds the memo of a transfer or a remark.
const maxMemo = 4096

// TxOptions tune a transaction.
type TxOptions struct {
	// Nonce, when set, is used instead of NextNonce.
	Nonce *uint64
	// Period is how many blocks the transaction stays valid: a power of
	// two from 4 to 65536 (others are rounded up); default 64.
	Period uint64
}

// Transfer is a transfer of the configured asset with a memo.
type Transfer struct {
	To     AccountID
	Amount *big.Int // in the asset's smallest unit; more than 0
	Memo   []byte   // sent as System.remark_with_event; at most 4096 bytes
	TxOptions
}

// Submitted is a transaction the node accepted into its pool. Accepted is
// not included: a transaction can still be dropped. If no block up to
// Expires includes it, it never will be, and the nonce is free again.
type Submitted struct {
	Hash    Hash   // blake2_256 of the encoded extrinsic
	Nonce   uint64 // the nonce it carries
	Birth   Head   // the block its mortal era starts at
	Period  uint64 // its era's length in blocks
	Expires uint64 // the last block number that can include it
}

// SubmitTransfer signs and submits Utility.batch_all([transfer_keep_alive
// of t.Amount of the configured asset to t.To, System.remark_with_event
// (t.Memo)]), with a mortal era born at the latest finalized block and
// fees paid in the native token. It does not wait for inclusion.
func (c *Client) SubmitTransfer(ctx context.Context, s Signer, t Transfer) (Submitted, error) {
	if t.Amount == nil || t.Amount.Sign() <= 0 {
		return Submitted{}, errors.New("polkadot: transfer amount must be more than 0")
	}
	if len(t.Memo) > maxMemo {
		return Submitted{}, fmt.Errorf("polkadot: memo of %d bytes, limit %d", len(t.Memo), maxMemo)
	}
	return c.submit(ctx, s, t.TxOptions, func(rt *runtime) ([]byte, error) {
		return rt.transferBatch(c.asset, t.To, t.Amount, t.Memo)
	})
}

// SubmitRemark signs and submits System.remark_with_event(memo) as
// SubmitTransfer does.
func (c *Client) SubmitRemark(ctx context.Context, s Signer, memo []byte, opts TxOptions) (Submitted, error) {
	if len(memo) > maxMemo {
		return Submitted{}, fmt.Errorf("polkadot: memo of %d bytes, limit %d", len(memo), maxMemo)
	}
	return c.submit(ctx, s, opts, func(rt *runtime) ([]byte, error) {
		return rt.remarkCall(memo)
	})
}

// submit signs the call build returns and hands it to the node.
func (c *Client) submit(ctx context.Context, s Signer, o TxOptions, build func(*runtime) ([]byte, error)) (Submitted, error) {
	fin, err := c.FinalizedHead(ctx)
	if err != nil {
		return Submitted{}, err
	}
	rt, err := c.latestRuntime(ctx)
	if err != nil {
		return Submitted{}, err
	}
	period := o.Period
	if period == 0 {
		period = defaultPeriod
	}
	e := mortalEra(fin.Number, period)
	birth := Head{Number: e.birth(fin.Number), Hash: fin.Hash}
	if birth.Number != fin.Number {
		// Long eras have a coarse phase: the era starts a little earlier.
		if birth.Hash, err = c.BlockHash(ctx, birth.Number); err != nil {
			return Submitted{}, err
		}
	}
	var nonce uint64
	if o.Nonce != nil {
		nonce = *o.Nonce
	} else if nonce, err = c.NextNonce(ctx, s.PublicKey()); err != nil {
		return Submitted{}, err
	}
	call, err := build(rt)
	if err != nil {
		return Submitted{}, err
	}
	parts, err := encodeExtensions(rt.exts, txParams{
		era: e, birth: birth.Hash, nonce: nonce,
		specVersion: rt.version.SpecVersion, txVersion: rt.version.TransactionVersion, genesis: c.genesis,
	})
	if err != nil {
		return Submitted{}, err
	}
	xt, err := signedExtrinsic(call, parts, s)
	if err != nil {
		return Submitted{}, err
	}
	sub := Submitted{Hash: blake2b.Sum256(xt), Nonce: nonce, Birth: birth, Period: e.period, Expires: e.lastBlock(birth.Number)}
	var got Hash
	if err := c.rpc.call(ctx, &got, "author_submitExtrinsic", hexBytes(xt)); err != nil {
		return Submitted{}, fmt.Errorf("polkadot: submit (nonce %d): %w", nonce, err)
	}
	if got != sub.Hash {
		c.log.Warn("polkadot: node reports another extrinsic hash", "ours", sub.Hash.Hex(), "node", got.Hex())
	}
	c.log.Debug("polkadot: submitted", "hash", sub.Hash.Hex(), "nonce", nonce, "birth", birth.Number,
		"expires", sub.Expires, "bytes", len(xt))
	return sub, nil
}
