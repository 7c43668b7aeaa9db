package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"time"

	gsrpc "github.com/centrifuge/go-substrate-rpc-client/v4"
	"github.com/centrifuge/go-substrate-rpc-client/v4/signature"
	"github.com/centrifuge/go-substrate-rpc-client/v4/types"
	"github.com/centrifuge/go-substrate-rpc-client/v4/types/codec"
)

// trySubscribe checks chain_subscribeFinalizedHeads over WebSocket.
func trySubscribe(url string) error {
	api, err := gsrpc.NewSubstrateAPI(url)
	if err != nil {
		return err
	}
	defer api.Client.Close()
	sub, err := api.RPC.Chain.SubscribeFinalizedHeads()
	if err != nil {
		return fmt.Errorf("subscribe: %w", err)
	}
	defer sub.Unsubscribe()
	timeout := time.After(20 * time.Second)
	for i := 0; i < 3; i++ {
		select {
		case h := <-sub.Chan():
			slog.Info("subscription head", "number", h.Number)
		case err := <-sub.Err():
			return fmt.Errorf("subscription error: %w", err)
		case <-timeout:
			return fmt.Errorf("no head within 20s")
		}
	}
	return nil
}

// burst submits k remarks with consecutive nonces back to back and waits for
// all of them to be finalized.
func burst(ctx context.Context, url string, k int) error {
	api, err := gsrpc.NewSubstrateAPI(url)
	if err != nil {
		return err
	}
	n := &node{api: api}
	n.meta, _ = api.RPC.State.GetMetadataLatest()
	n.genesis, _ = api.RPC.Chain.GetBlockHash(0)
	n.rv, _ = api.RPC.State.GetRuntimeVersionLatest()
	alice := signature.TestKeyringPairAlice
	nonce, err := n.nonce(ctx, alice)
	if err != nil {
		return err
	}
	var xts [][]byte
	t0 := time.Now()
	for i := 0; i < k; i++ {
		b := make([]byte, 32)
		rand.Read(b)
		call, err := types.NewCall(n.meta, "System.remark_with_event", types.NewBytes(b))
		if err != nil {
			return err
		}
		ext := types.NewExtrinsic(call)
		err = ext.Sign(alice, types.SignatureOptions{
			Era: types.ExtrinsicEra{IsImmortalEra: true}, Nonce: types.NewUCompactFromUInt(nonce + uint64(i)),
			Tip: types.NewUCompactFromUInt(0), SpecVersion: n.rv.SpecVersion, TransactionVersion: n.rv.TransactionVersion,
			GenesisHash: n.genesis, BlockHash: n.genesis,
		})
		if err != nil {
			return err
		}
		enc, _ := codec.Encode(ext)
		var h types.Hash
		if err := api.Client.CallContext(ctx, &h, "author_submitExtrinsic", codec.HexEncodeToString(enc)); err != nil {
			return fmt.Errorf("submit %d: %w", i, err)
		}
		xts = append(xts, enc)
	}
	// Resubmitting the same extrinsic: what does the pool say?
	var h types.Hash
	err = api.Client.CallContext(ctx, &h, "author_submitExtrinsic", codec.HexEncodeToString(xts[0]))
	slog.Info("duplicate submit", "err", err)
	var pending []string
	if err := api.Client.CallContext(ctx, &pending, "author_pendingExtrinsics"); err == nil {
		slog.Info("pending", "count", len(pending))
	}
	n.events = nil
	for i, xt := range xts {
		blk, idx, err := n.waitIncluded(ctx, xt)
		if err != nil {
			return err
		}
		slog.Info("burst included", "i", i, "block", blk, "index", idx, "after", time.Since(t0))
	}
	return nil
}

// waitIncluded scans finalized blocks from genesis-side cursor for xt.
func (n *node) waitIncluded(ctx context.Context, xt []byte) (uint64, int, error) {
	for {
		_, num, err := n.finalized(ctx)
		if err != nil {
			return 0, 0, err
		}
		for h := num; h > 0 && h+20 > num; h-- {
			hash, _ := n.api.RPC.Chain.GetBlockHash(h)
			var raw struct {
				Block struct {
					Extrinsics []string `json:"extrinsics"`
				} `json:"block"`
			}
			if err := n.api.Client.CallContext(ctx, &raw, "chain_getBlock", hash.Hex()); err != nil {
				return 0, 0, err
			}
			for i, x := range raw.Block.Extrinsics {
				if x == codec.HexEncodeToString(xt) {
					return h, i, nil
				}
			}
		}
		select {
		case <-ctx.Done():
			return 0, 0, ctx.Err()
		case <-time.After(time.Second):
		}
	}
}
