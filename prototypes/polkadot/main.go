// Command polkadot exercises a local Gossamer westend-dev node with
// go-substrate-rpc-client v4.2.1: metadata, finalized heads by polling, a
// balances transfer and a remark_with_event anchor.
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"math/big"
	"math/bits"
	"os"
	"strings"
	"time"

	gsrpc "github.com/centrifuge/go-substrate-rpc-client/v4"
	"github.com/centrifuge/go-substrate-rpc-client/v4/registry"
	"github.com/centrifuge/go-substrate-rpc-client/v4/registry/parser"
	"github.com/centrifuge/go-substrate-rpc-client/v4/registry/retriever"
	"github.com/centrifuge/go-substrate-rpc-client/v4/registry/state"
	"github.com/centrifuge/go-substrate-rpc-client/v4/signature"
	"github.com/centrifuge/go-substrate-rpc-client/v4/types"
	"github.com/centrifuge/go-substrate-rpc-client/v4/types/codec"
	"golang.org/x/crypto/blake2b"
)

func main() {
	url := flag.String("url", "http://127.0.0.1:9944", "node RPC URL (http:// or ws://)")
	mortal := flag.Bool("mortal", true, "sign with a mortal era (64 blocks) instead of immortal")
	sub := flag.Bool("subscribe", false, "only try chain_subscribeFinalizedHeads (needs ws://)")
	harnessBin := flag.String("harness", "", "start this gossamer binary in its own netns and run the scenario via a unix socket")
	harnessSpec := flag.String("spec", "", "chain spec for -harness")
	hand := flag.Bool("hand", false, "only submit a remark built by the hand encoder")
	burstN := flag.Int("burst", 0, "only submit this many remarks back to back")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if *harnessBin != "" {
		if err := harness(ctx, *harnessBin, *harnessSpec, *mortal); err != nil {
			slog.Error("harness failed", "err", err)
			os.Exit(1)
		}
		return
	}
	if *hand {
		slog.Info("hand", "err", handRun(ctx, *url))
		return
	}
	if *sub {
		slog.Info("subscribe", "err", trySubscribe(*url))
		return
	}
	if *burstN > 0 {
		slog.Info("burst", "err", burst(ctx, *url, *burstN))
		return
	}
	if err := run(ctx, *url, *mortal); err != nil {
		slog.Error("prototype run failed", "err", err)
		os.Exit(1)
	}
}

type node struct {
	api     *gsrpc.SubstrateAPI
	meta    *types.Metadata
	genesis types.Hash
	rv      *types.RuntimeVersion
	events  retriever.EventRetriever
}

func run(ctx context.Context, url string, mortal bool) error {
	t0 := time.Now()
	api, err := gsrpc.NewSubstrateAPI(url) // fetches metadata once (state_getMetadata)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer api.Client.Close()
	slog.Info("connected", "url", url, "took", time.Since(t0))

	return scenario(ctx, api, mortal)
}

// scenario runs the transfer and the anchor against a connected node.
func scenario(ctx context.Context, api *gsrpc.SubstrateAPI, mortal bool) error {
	t0 := time.Now()
	var err error
	n := &node{api: api}
	if n.meta, err = api.RPC.State.GetMetadataLatest(); err != nil {
		return fmt.Errorf("metadata: %w", err)
	}
	if n.genesis, err = api.RPC.Chain.GetBlockHash(0); err != nil {
		return fmt.Errorf("genesis hash: %w", err)
	}
	if n.rv, err = api.RPC.State.GetRuntimeVersionLatest(); err != nil {
		return fmt.Errorf("runtime version: %w", err)
	}
	chainName, _ := api.RPC.System.Chain()
	nodeName, _ := api.RPC.System.Name()
	slog.Info("chain", "chain", chainName, "node", nodeName, "genesis", n.genesis.Hex(),
		"spec", n.rv.SpecName, "specVersion", n.rv.SpecVersion, "txVersion", n.rv.TransactionVersion,
		"metadataVersion", n.meta.Version)
	for _, se := range n.meta.AsMetadataV14.Extrinsic.SignedExtensions {
		slog.Info("signed extension", "id", se.Identifier)
	}
	n.events, err = retriever.NewDefaultEventRetriever(state.NewEventProvider(api.RPC.State), api.RPC.State)
	if err != nil {
		return fmt.Errorf("event retriever: %w", err)
	}

	fin, num, err := n.finalized(ctx)
	if err != nil {
		return err
	}
	best, err := api.RPC.Chain.GetHeaderLatest()
	if err != nil {
		return fmt.Errorf("best header: %w", err)
	}
	slog.Info("heads", "finalized", num, "finalizedHash", fin.Hex(), "best", best.Number)

	// Balances transfer from //Alice to a fresh account.
	alice := signature.TestKeyringPairAlice
	seed := make([]byte, 32)
	if _, err := rand.Read(seed); err != nil {
		return err
	}
	dest, err := signature.KeyringPairFromSecret("0x"+hex.EncodeToString(seed), 42)
	if err != nil {
		return fmt.Errorf("fresh key: %w", err)
	}
	before, err := n.free(dest.PublicKey, fin)
	if err != nil {
		return err
	}
	amount := uint64(1_000_000_000_000) // 1 WND (12 decimals)
	to, err := types.NewMultiAddressFromAccountID(dest.PublicKey)
	if err != nil {
		return err
	}
	call, err := types.NewCall(n.meta, "Balances.transfer", to, types.NewUCompactFromUInt(amount))
	if err != nil {
		return fmt.Errorf("transfer call: %w", err)
	}
	t1 := time.Now()
	xt, err := n.submit(ctx, alice, call, mortal)
	if err != nil {
		return fmt.Errorf("transfer: %w", err)
	}
	blk, idx, evs, err := n.waitFinalized(ctx, xt)
	if err != nil {
		return fmt.Errorf("transfer: %w", err)
	}
	slog.Info("transfer finalized", "block", blk.Hex(), "index", idx, "took", time.Since(t1))
	for _, ev := range evs {
		slog.Info("  event", "name", ev.Name, "fields", fieldString(ev))
	}
	after, err := n.free(dest.PublicKey, blk)
	if err != nil {
		return err
	}
	slog.Info("balance", "dest", dest.Address, "before", before, "after", after)
	if after.Cmp(new(big.Int).Add(before, new(big.Int).SetUint64(amount))) != 0 {
		return errors.New("balance did not increase by the amount")
	}

	// Anchor: System.remark_with_event with 32 bytes.
	anchor := make([]byte, 32)
	if _, err := rand.Read(anchor); err != nil {
		return err
	}
	call, err = types.NewCall(n.meta, "System.remark_with_event", types.NewBytes(anchor))
	if err != nil {
		return fmt.Errorf("remark call: %w", err)
	}
	t2 := time.Now()
	xt, err = n.submit(ctx, alice, call, mortal)
	if err != nil {
		return fmt.Errorf("remark: %w", err)
	}
	blk, idx, evs, err = n.waitFinalized(ctx, xt)
	if err != nil {
		return fmt.Errorf("remark: %w", err)
	}
	slog.Info("remark finalized", "block", blk.Hex(), "extrinsicIndex", idx, "took", time.Since(t2))
	want := blake2b.Sum256(anchor)
	found := false
	for _, ev := range evs {
		slog.Info("  event", "name", ev.Name, "fields", fieldString(ev))
		if ev.Name != "System.Remarked" {
			continue
		}
		h, err := hashField(ev, "hash")
		if err != nil {
			return err
		}
		if bytes.Equal(h, want[:]) {
			found = true
		}
	}
	if !found {
		return errors.New("no System.Remarked event with blake2_256(anchor)")
	}
	slog.Info("anchor verified", "anchor", hex.EncodeToString(anchor), "remarkHash", hex.EncodeToString(want[:]))
	slog.Info("done", "total", time.Since(t0))
	return nil
}

// finalized returns the latest finalized hash and its number.
func (n *node) finalized(ctx context.Context) (types.Hash, uint64, error) {
	var h types.Hash
	if err := n.api.Client.CallContext(ctx, &h, "chain_getFinalizedHead"); err != nil {
		return h, 0, fmt.Errorf("finalized head: %w", err)
	}
	var hdr types.Header
	if err := n.api.Client.CallContext(ctx, &hdr, "chain_getHeader", h.Hex()); err != nil {
		return h, 0, fmt.Errorf("header: %w", err)
	}
	return h, uint64(hdr.Number), nil
}

// free returns the free balance of an account at a block.
func (n *node) free(pub []byte, at types.Hash) (*big.Int, error) {
	key, err := types.CreateStorageKey(n.meta, "System", "Account", pub)
	if err != nil {
		return nil, err
	}
	var info types.AccountInfo
	ok, err := n.api.RPC.State.GetStorage(key, &info, at)
	if err != nil {
		return nil, fmt.Errorf("account storage: %w", err)
	}
	if !ok {
		return new(big.Int), nil
	}
	return info.Data.Free.Int, nil
}

// nonce reads the next nonce; Gossamer implements system_accountNextIndex.
func (n *node) nonce(ctx context.Context, kp signature.KeyringPair) (uint64, error) {
	var next uint64
	if err := n.api.Client.CallContext(ctx, &next, "system_accountNextIndex", kp.Address); err != nil {
		return 0, fmt.Errorf("accountNextIndex: %w", err)
	}
	return next, nil
}

// mortalEra encodes a mortal era that starts at block current and lasts
// period blocks (rounded to a power of two in [4, 65536]).
func mortalEra(current, period uint64) types.ExtrinsicEra {
	if period < 4 {
		period = 4
	}
	if period > 1<<16 {
		period = 1 << 16
	}
	period = 1 << bits.Len64(period-1)
	phase := current % period
	quantize := max(period>>12, 1)
	tz := uint64(bits.TrailingZeros64(period))
	enc := min(15, max(1, tz-1)) | (phase/quantize)<<4
	return types.ExtrinsicEra{IsMortalEra: true, AsMortalEra: types.MortalEra{First: byte(enc), Second: byte(enc >> 8)}}
}

// submit signs call with kp and submits it; it returns the encoded extrinsic.
func (n *node) submit(ctx context.Context, kp signature.KeyringPair, call types.Call, mortal bool) ([]byte, error) {
	nonce, err := n.nonce(ctx, kp)
	if err != nil {
		return nil, err
	}
	opts := types.SignatureOptions{
		Era:                types.ExtrinsicEra{IsImmortalEra: true},
		Nonce:              types.NewUCompactFromUInt(nonce),
		Tip:                types.NewUCompactFromUInt(0),
		SpecVersion:        n.rv.SpecVersion,
		TransactionVersion: n.rv.TransactionVersion,
		GenesisHash:        n.genesis,
		BlockHash:          n.genesis, // immortal: the genesis hash
	}
	if mortal {
		// Birth block: the current best block, so that the era phase and the
		// signed block hash agree.
		hdr, err := n.api.RPC.Chain.GetHeaderLatest()
		if err != nil {
			return nil, err
		}
		birth, err := n.api.RPC.Chain.GetBlockHash(uint64(hdr.Number))
		if err != nil {
			return nil, err
		}
		opts.Era = mortalEra(uint64(hdr.Number), 64)
		opts.BlockHash = birth
	}
	ext := types.NewExtrinsic(call)
	if err := ext.Sign(kp, opts); err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	enc, err := codec.Encode(ext)
	if err != nil {
		return nil, err
	}
	var txHash types.Hash
	if err := n.api.Client.CallContext(ctx, &txHash, "author_submitExtrinsic", codec.HexEncodeToString(enc)); err != nil {
		return nil, fmt.Errorf("submit: %w", err)
	}
	want := blake2b.Sum256(enc)
	slog.Info("submitted", "txHash", txHash.Hex(), "blake2(ext)", hex.EncodeToString(want[:]), "nonce", nonce, "mortal", mortal, "len", len(enc))
	return enc, nil
}

// waitFinalized polls finalized heads until a finalized block contains xt; it
// returns the block hash, the extrinsic index and the events of that extrinsic.
func (n *node) waitFinalized(ctx context.Context, xt []byte) (types.Hash, int, []*parser.Event, error) {
	var last uint64
	_, last, err := n.finalized(ctx)
	if err != nil {
		return types.Hash{}, 0, nil, err
	}
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return types.Hash{}, 0, nil, ctx.Err()
		case <-tick.C:
		}
		_, num, err := n.finalized(ctx)
		if err != nil {
			return types.Hash{}, 0, nil, err
		}
		// Walk every newly finalized block by number, never skipping one.
		for h := last + 1; h <= num; h++ {
			hash, err := n.api.RPC.Chain.GetBlockHash(h)
			if err != nil {
				return types.Hash{}, 0, nil, err
			}
			slog.Info("finalized", "number", h, "hash", hash.Hex())
			var raw struct {
				Block struct {
					Extrinsics []string `json:"extrinsics"`
				} `json:"block"`
			}
			if err := n.api.Client.CallContext(ctx, &raw, "chain_getBlock", hash.Hex()); err != nil {
				return types.Hash{}, 0, nil, fmt.Errorf("block %d: %w", h, err)
			}
			for i, x := range raw.Block.Extrinsics {
				b, err := codec.HexDecodeString(x)
				if err != nil {
					return types.Hash{}, 0, nil, err
				}
				if !bytes.Equal(b, xt) {
					continue
				}
				all, err := n.events.GetEvents(hash)
				if err != nil {
					return types.Hash{}, 0, nil, fmt.Errorf("events: %w", err)
				}
				var mine []*parser.Event
				for _, ev := range all {
					if ev.Phase.IsApplyExtrinsic && int(ev.Phase.AsApplyExtrinsic) == i {
						mine = append(mine, ev)
					}
				}
				return hash, i, mine, nil
			}
		}
		last = num
	}
}

func fieldString(ev *parser.Event) string {
	var b bytes.Buffer
	for _, f := range ev.Fields {
		fmt.Fprintf(&b, "%s=%s ", f.Name, show(f.Value))
	}
	return b.String()
}

// hashField extracts a [32]byte field decoded by the registry parser.
func hashField(ev *parser.Event, name string) ([]byte, error) {
	for _, f := range ev.Fields {
		// The registry parser names fields "<type path>.<field>", for
		// example "primitive_types.H256.hash".
		if f.Name != name && !strings.HasSuffix(f.Name, "."+name) {
			continue
		}
		return flatten(f.Value)
	}
	return nil, fmt.Errorf("event %s has no field %s", ev.Name, name)
}

func flatten(v any) ([]byte, error) {
	switch x := v.(type) {
	case []any:
		var out []byte
		for _, e := range x {
			b, err := flatten(e)
			if err != nil {
				return nil, err
			}
			out = append(out, b...)
		}
		return out, nil
	case registry.DecodedFields:
		// A newtype such as H256 decodes to one unnamed-ish field "[u8; 32]".
		if len(x) != 1 {
			return nil, fmt.Errorf("composite with %d fields", len(x))
		}
		return flatten(x[0].Value)
	case types.U8:
		return []byte{byte(x)}, nil
	case uint8:
		return []byte{x}, nil
	case types.H256:
		return x[:], nil
	case types.Hash:
		return x[:], nil
	default:
		return nil, fmt.Errorf("unexpected field type %T", v)
	}
}

func show(v any) string {
	if b, err := flatten(v); err == nil {
		return "0x" + hex.EncodeToString(b)
	}
	switch x := v.(type) {
	case registry.DecodedFields:
		var parts []string
		for _, f := range x {
			parts = append(parts, f.Name+":"+show(f.Value))
		}
		return "{" + strings.Join(parts, " ") + "}"
	case []any:
		var parts []string
		for _, e := range x {
			parts = append(parts, show(e))
		}
		return "[" + strings.Join(parts, " ") + "]"
	}
	return fmt.Sprintf("%T(%v)", v, v)
}
