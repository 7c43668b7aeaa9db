package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"github.com/opensky-network/opensky/prototypes/polkadot/xt"
	"log/slog"

	gsrpc "github.com/centrifuge/go-substrate-rpc-client/v4"
	"github.com/centrifuge/go-substrate-rpc-client/v4/signature"
	"github.com/centrifuge/go-substrate-rpc-client/v4/types"
	"github.com/centrifuge/go-substrate-rpc-client/v4/types/codec"
)

// handRun submits a remark built by the hand encoder and checks that it
// matches gsrpc's own encoding outside the signature.
func handRun(ctx context.Context, url string) error {
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
	hdr, err := api.RPC.Chain.GetHeaderLatest()
	if err != nil {
		return err
	}
	birth, _ := api.RPC.Chain.GetBlockHash(uint64(hdr.Number))
	b := make([]byte, 32)
	rand.Read(b)
	call, err := types.NewCall(n.meta, "System.remark_with_event", types.NewBytes(b))
	if err != nil {
		return err
	}
	p := xt.Params{Era: mortalEra(uint64(hdr.Number), 64), BirthHash: birth, Nonce: nonce, Tip: 0,
		SpecVersion: uint32(n.rv.SpecVersion), TxVersion: uint32(n.rv.TransactionVersion), Genesis: n.genesis}
	mine, err := xt.Signed(n.meta, call, alice, p)
	if err != nil {
		return err
	}
	ext := types.NewExtrinsic(call)
	if err := ext.Sign(alice, types.SignatureOptions{Era: p.Era, Nonce: types.NewUCompactFromUInt(nonce), Tip: types.NewUCompactFromUInt(0),
		SpecVersion: n.rv.SpecVersion, TransactionVersion: n.rv.TransactionVersion, GenesisHash: n.genesis, BlockHash: birth}); err != nil {
		return err
	}
	theirs, _ := codec.Encode(ext)
	// layout: len(1..2) 0x84 0x00 pub(32) 0x01 sig(64) extra call
	if len(mine) != len(theirs) {
		return fmt.Errorf("length differs: %d vs %d", len(mine), len(theirs))
	}
	sigStart := bytes.Index(mine, alice.PublicKey) + 32 + 1
	if !bytes.Equal(mine[:sigStart], theirs[:sigStart]) || !bytes.Equal(mine[sigStart+64:], theirs[sigStart+64:]) {
		return fmt.Errorf("bytes differ outside the signature:\n%x\n%x", mine, theirs)
	}
	slog.Info("hand encoding matches gsrpc outside the signature", "len", len(mine))
	var h types.Hash
	if err := api.Client.CallContext(ctx, &h, "author_submitExtrinsic", codec.HexEncodeToString(mine)); err != nil {
		return fmt.Errorf("submit: %w", err)
	}
	blk, idx, err := n.waitIncluded(ctx, mine)
	if err != nil {
		return err
	}
	slog.Info("hand-encoded remark finalized", "block", blk, "index", idx)
	return nil
}

func mustEnc(v any) []byte {
	b, err := codec.Encode(v)
	if err != nil {
		panic(err)
	}
	return b
}
