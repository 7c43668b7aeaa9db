package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	cmtjson "github.com/cometbft/cometbft/libs/json"
	cmttypes "github.com/cometbft/cometbft/types"
	"github.com/spf13/cobra"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/bridge"
	"github.com/opensky-network/opensky/internal/identity"
	"github.com/opensky-network/opensky/internal/polkadot"
)

// maxAnchorWalk bounds the headers verify-anchor checks between a height
// and the anchor above it.
const maxAnchorWalk = 100_000

func newChainVerifyAnchorCmd(g *globals) *cobra.Command {
	var polkadotURL, bridgeAcct, output string
	cmd := &cobra.Command{
		Use:   "verify-anchor HEIGHT",
		Short: "Prove a block of the chain with its anchor on Polkadot",
		Long: `Show the Polkadot block and event that anchor the OpenSky block at HEIGHT,
and check them: the first anchor at or above HEIGHT is a System.Remarked
event of the bridge account in a finalized Polkadot block, whose hash is
blake2_256 of the anchor memo (chain ID, height, block hash); the memo's
block hash is the hash of the OpenSky header at that height, recomputed
here; and the headers from HEIGHT up to it link by their hashes.

Every hash is recomputed on this machine. The bridge account whose remark
counts is the chain's (genesis params.bridge), as the gateway reports it;
for a proof that does not rest on the gateway at all, name a Polkadot node
you trust with --polkadot and the bridge account you know with --bridge.
It exits non-zero when a check fails.`,
		Example: `  opensky chain verify-anchor 1200
  opensky chain verify-anchor 1200 --polkadot http://127.0.0.1:9944`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			height, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil || height < 1 {
				return fmt.Errorf("HEIGHT must be a block height, 1 or more, not %q", args[0])
			}
			ctx := cmd.Context()
			c := g.client()
			st, err := bridgeStatus(ctx, c)
			if err != nil {
				return err
			}
			info, err := chainInfo(ctx, c)
			if err != nil {
				return err
			}
			if bridgeAcct == "" {
				params, err := c.Params(ctx)
				if err != nil {
					return fmt.Errorf("read the chain's parameters: %w", err)
				}
				bridgeAcct = params.Bridge
			}
			p, err := verifyAnchor(ctx, c, st, info.ChainID, height, polkadotURL, bridgeAcct)
			if p != nil && output != formatTable {
				if perr := printData(cmd.OutOrStdout(), output, p); perr != nil {
					return perr
				}
			} else if p != nil {
				printAnchorProof(cmd, p)
			}
			return err
		},
	}
	cmd.Flags().StringVar(&polkadotURL, "polkadot", "", "Polkadot node to check against (default: the one the gateway's bridge watches)")
	cmd.Flags().StringVar(&bridgeAcct, "bridge", "", "the bridge account whose remark counts (default: the chain's, genesis params.bridge)")
	addFormatFlag(cmd, &output, formatTable, formatJSON, formatYAML)
	return cmd
}

// anchorProof is what verify-anchor checked.
type anchorProof struct {
	ChainID   string        `json:"chainId"`
	Height    int64         `json:"height"`
	BlockHash string        `json:"blockHash"` // of the block at Height, recomputed
	Anchor    bridge.Anchor `json:"anchor"`
	Headers   int           `json:"headersLinked"`
	Finalized uint64        `json:"polkadotFinalized"`
	Event     string        `json:"event"`
	Verified  bool          `json:"verified"`
}

func printAnchorProof(cmd *cobra.Command, p *anchorProof) {
	w := cmd.OutOrStdout()
	fmt.Fprintf(w, "block     %d of %s, hash %s\n", p.Height, p.ChainID, p.BlockHash)
	if p.Anchor.Height != 0 {
		fmt.Fprintf(w, "anchored  at height %d (hash %s), %d header(s) linked by hash\n", p.Anchor.Height, p.Anchor.Hash, p.Headers)
		fmt.Fprintf(w, "polkadot  block %d %s, extrinsic %d, event %d: %s\n", p.Anchor.Block, p.Anchor.BlockHash, p.Anchor.Extrinsic, p.Anchor.Event, p.Event)
		fmt.Fprintf(w, "memo      %s\n", p.Anchor.Memo)
		fmt.Fprintf(w, "final     Polkadot finalized head %d\n", p.Finalized)
	}
	if p.Verified {
		fmt.Fprintln(w, "verified")
	}
}

// verifyAnchor checks the anchor covering height; the proof it returns is
// filled as far as the checks went.
func verifyAnchor(ctx context.Context, c *api.Client, st bridge.Status, chainID string, height int64, polkadotURL, bridgeAcct string) (*anchorProof, error) {
	p := &anchorProof{ChainID: chainID, Height: height}
	a, err := c.BridgeAnchor(ctx, height)
	var ae *api.APIError
	if errors.As(err, &ae) && ae.Status == http.StatusNotFound {
		return nil, fmt.Errorf("no anchor covers height %d yet (the last is at %d; the bridge anchors every %d blocks once they are final on Polkadot)", height, st.LastAnchor, st.AnchorEvery)
	}
	if err != nil {
		return nil, err
	}
	p.Anchor = a
	memoChain, memoHeight, memoHash, err := bridge.ParseAnchorMemo(a.Memo)
	if err != nil {
		return p, err
	}
	if memoChain != chainID || memoHeight != a.Height || memoHash != a.Hash {
		return p, fmt.Errorf("the anchor's memo %q does not match chain %s at height %d with hash %s", a.Memo, chainID, a.Height, a.Hash)
	}
	if a.Height-height > maxAnchorWalk {
		return p, fmt.Errorf("the anchor covering %d is at %d, more than %d blocks above", height, a.Height, maxAnchorWalk)
	}
	top, n, err := linkHeaders(ctx, c, height, a.Height, &p.BlockHash)
	if err != nil {
		return p, err
	}
	p.Headers = n
	if top != a.Hash {
		return p, fmt.Errorf("the header at %d hashes to %s, but the anchor records %s", a.Height, top, a.Hash)
	}
	pd, err := dialPolkadot(ctx, polkadotURL, st)
	if err != nil {
		return p, err
	}
	defer pd.Close()
	fin, err := pd.FinalizedHead(ctx)
	if err != nil {
		return p, fmt.Errorf("Polkadot's finalized head: %w", err)
	}
	p.Finalized = fin.Number
	if a.Block > fin.Number {
		return p, fmt.Errorf("Polkadot block %d is not final yet (finalized head %d)", a.Block, fin.Number)
	}
	h, err := pd.BlockHash(ctx, a.Block)
	if err != nil {
		return p, fmt.Errorf("Polkadot block %d: %w", a.Block, err)
	}
	if h.Hex() != a.BlockHash {
		return p, fmt.Errorf("Polkadot block %d is %s, not %s as the anchor says", a.Block, h.Hex(), a.BlockHash)
	}
	evs, err := pd.Events(ctx, h)
	if err != nil {
		return p, fmt.Errorf("events of Polkadot block %d: %w", a.Block, err)
	}
	bridgePub, err := identity.ParseAddress(bridgeAcct)
	if err != nil {
		return p, fmt.Errorf("the bridge account %q: %w", bridgeAcct, err)
	}
	for _, e := range evs {
		if e.Index != a.Event {
			continue
		}
		if e.Kind != polkadot.KindRemarked || e.Extrinsic != a.Extrinsic {
			return p, fmt.Errorf("event %d of Polkadot block %d is %s of extrinsic %d, not a remark of extrinsic %d", e.Index, a.Block, e.Name, e.Extrinsic, a.Extrinsic)
		}
		if e.Sender != polkadot.AccountID(bridgePub) {
			return p, fmt.Errorf("the remark in Polkadot block %d was made by %s, not the bridge account %s", a.Block, identity.AddressOf(e.Sender), bridgeAcct)
		}
		if e.RemarkHash != polkadot.RemarkHash([]byte(a.Memo)) {
			return p, fmt.Errorf("the remark in Polkadot block %d hashes to %s, not blake2_256 of the memo", a.Block, e.RemarkHash.Hex())
		}
		p.Event = fmt.Sprintf("System.Remarked by %s, hash %s = blake2_256(memo)", identity.AddressOf(bridgePub), e.RemarkHash.Hex())
		p.Verified = true
		return p, nil
	}
	return p, fmt.Errorf("Polkadot block %d has no event %d", a.Block, a.Event)
}

// linkHeaders reads the headers from..to, recomputes each one's hash and
// checks each links to the one below; it returns the hash of the top one
// and how many headers it checked, and sets *first to the hash of the
// bottom one.
func linkHeaders(ctx context.Context, c *api.Client, from, to int64, first *string) (string, int, error) {
	var prev []byte
	n := 0
	for lo := from; lo <= to; lo += api.MaxHeadersPerCall {
		hi := min(to, lo+api.MaxHeadersPerCall-1)
		hs, err := c.ChainHeaders(ctx, lo, hi)
		if err != nil {
			return "", n, fmt.Errorf("headers %d to %d: %w", lo, hi, err)
		}
		if len(hs) != int(hi-lo+1) {
			return "", n, fmt.Errorf("asked for headers %d to %d, got %d", lo, hi, len(hs))
		}
		for i, bh := range hs {
			var h cmttypes.Header
			if err := cmtjson.Unmarshal(bh.Header, &h); err != nil {
				return "", n, fmt.Errorf("header %d: %w", lo+int64(i), err)
			}
			if h.Height != lo+int64(i) {
				return "", n, fmt.Errorf("asked for header %d, got %d", lo+int64(i), h.Height)
			}
			sum := h.Hash()
			if len(sum) == 0 {
				return "", n, fmt.Errorf("header %d is incomplete: it has no hash", h.Height)
			}
			if prev != nil && !bytes.Equal(h.LastBlockID.Hash, prev) {
				return "", n, fmt.Errorf("header %d does not link to the header below it: it names %X, the one below hashes to %X", h.Height, []byte(h.LastBlockID.Hash), prev)
			}
			if prev == nil {
				*first = hex.EncodeToString(sum)
			}
			prev = sum
			n++
		}
	}
	return hex.EncodeToString(prev), n, nil
}
