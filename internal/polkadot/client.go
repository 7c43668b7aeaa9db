package polkadot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ErrNotFound marks a block the node does not know.
var ErrNotFound = errors.New("polkadot: not found")

// Options configure a Client.
type Options struct {
	// URL is the node's HTTP JSON-RPC endpoint, such as
	// http://127.0.0.1:9944.
	URL string
	// HTTPClient, when set, carries the calls (tests pass one that dials a
	// Unix socket). Its responses are bounded all the same. The default
	// has a timeout.
	HTTPClient *http.Client
	// Asset is what transfers move and balances count.
	Asset Asset
	// MaxResponse bounds every response body; default 16 MiB.
	MaxResponse int64
	// Timeout bounds every call; default 30 s.
	Timeout time.Duration
	// Logger receives the client's logs; default slog.Default().
	Logger *slog.Logger
}

// maxRuntimes bounds the runtime versions a Client keeps decoded.
const maxRuntimes = 4

// Client talks to one chain through one node. It is safe for concurrent
// use.
type Client struct {
	rpc     *rpcClient
	asset   Asset
	genesis Hash
	log     *slog.Logger

	mu       sync.Mutex
	runtimes map[uint32]*runtime // by spec version
	current  *runtime            // of the best block, as last seen
}

// Dial connects to the node, reads the genesis hash, the runtime version
// and the metadata, and checks that the runtime has everything the client
// needs for the asset: its transfer_keep_alive, System.remark_with_event,
// Utility.batch_all, and only signed extensions the client knows. It
// refuses to run otherwise, with an error that wraps ErrMetadata or
// ErrUnknownExtension.
func Dial(ctx context.Context, o Options) (*Client, error) {
	if o.URL == "" {
		return nil, errors.New("polkadot: Options.URL is empty")
	}
	if err := o.Asset.validate(); err != nil {
		return nil, err
	}
	if o.MaxResponse <= 0 {
		o.MaxResponse = defaultMaxResponse
	}
	if o.Timeout <= 0 {
		o.Timeout = defaultCallTimeout
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	r, err := newRPC(o.URL, o.HTTPClient, o.MaxResponse, o.Timeout)
	if err != nil {
		return nil, err
	}
	c := &Client{rpc: r, asset: o.Asset, log: o.Logger, runtimes: map[uint32]*runtime{}}
	if c.genesis, err = c.BlockHash(ctx, 0); err != nil {
		r.close()
		return nil, fmt.Errorf("polkadot: genesis: %w", err)
	}
	rt, err := c.latestRuntime(ctx)
	if err != nil {
		r.close()
		return nil, err
	}
	c.log.Info("polkadot: connected", "url", o.URL, "genesis", c.genesis.Hex(), "runtime", rt.version.SpecName,
		"specVersion", rt.version.SpecVersion, "txVersion", rt.version.TransactionVersion, "asset", o.Asset.String())
	return c, nil
}

// Genesis returns the chain's genesis hash.
func (c *Client) Genesis() Hash { return c.genesis }

// Asset returns the configured asset.
func (c *Client) Asset() Asset { return c.asset }

// Close releases the client's connections.
func (c *Client) Close() error {
	c.rpc.close()
	return nil
}

// FinalizedHead returns the latest finalized block.
func (c *Client) FinalizedHead(ctx context.Context) (Head, error) {
	var h Hash
	if err := c.rpc.call(ctx, &h, "chain_getFinalizedHead"); err != nil {
		return Head{}, err
	}
	n, err := c.HeaderNumber(ctx, h)
	if err != nil {
		return Head{}, err
	}
	return Head{Number: n, Hash: h}, nil
}

// BestHead returns the best (latest, not yet final) block.
func (c *Client) BestHead(ctx context.Context) (Head, error) {
	var h *Hash
	if err := c.rpc.call(ctx, &h, "chain_getBlockHash"); err != nil {
		return Head{}, err
	}
	if h == nil {
		return Head{}, fmt.Errorf("%w: best block", ErrNotFound)
	}
	n, err := c.HeaderNumber(ctx, *h)
	if err != nil {
		return Head{}, err
	}
	return Head{Number: n, Hash: *h}, nil
}

// BlockHash returns the hash of the canonical block number n. Below the
// finalized head that block is final; the error wraps ErrNotFound when
// there is no block n yet.
func (c *Client) BlockHash(ctx context.Context, n uint64) (Hash, error) {
	var h *Hash
	if err := c.rpc.call(ctx, &h, "chain_getBlockHash", n); err != nil {
		return Hash{}, err
	}
	if h == nil {
		return Hash{}, fmt.Errorf("%w: block %d", ErrNotFound, n)
	}
	return *h, nil
}

// header is the part of a JSON-RPC header the client reads.
type header struct {
	Number string `json:"number"`
}

// HeaderNumber returns the number of the block with hash h.
func (c *Client) HeaderNumber(ctx context.Context, h Hash) (uint64, error) {
	var hdr *header
	if err := c.rpc.call(ctx, &hdr, "chain_getHeader", h.Hex()); err != nil {
		return 0, err
	}
	if hdr == nil {
		return 0, fmt.Errorf("%w: block %s", ErrNotFound, h.Hex())
	}
	n, err := parseNumber(hdr.Number)
	if err != nil {
		return 0, fmt.Errorf("polkadot: header %s: %w", h.Hex(), err)
	}
	return n, nil
}

// parseNumber reads a block number as JSON-RPC writes it: 0x-prefixed hex.
func parseNumber(s string) (uint64, error) {
	t, ok := strings.CutPrefix(s, "0x")
	if !ok || t == "" || len(t) > 16 {
		return 0, fmt.Errorf("%w: block number %.40q is not 0x-prefixed hex", ErrDecode, s)
	}
	n, err := strconv.ParseUint(t, 16, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: block number %.40q: %v", ErrDecode, s, err)
	}
	return n, nil
}

// storage reads a raw storage value at block at; ok is false when there
// is none.
func (c *Client) storage(ctx context.Context, key []byte, at Hash) (raw []byte, ok bool, err error) {
	var s *string
	if err := c.rpc.call(ctx, &s, "state_getStorage", hexBytes(key), at.Hex()); err != nil {
		return nil, false, err
	}
	if s == nil || *s == "" { // Gossamer answers "" rather than null
		return nil, false, nil
	}
	raw, err = parseHex(*s)
	if err != nil {
		return nil, false, fmt.Errorf("polkadot: storage value: %w", err)
	}
	return raw, true, nil
}
