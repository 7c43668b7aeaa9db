package polkadot

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"math/big"
	"testing"

	"github.com/centrifuge/go-substrate-rpc-client/v4/registry/test"
	"github.com/opensky-network/opensky/internal/identity"
	"github.com/opensky-network/opensky/internal/testlog"
	"golang.org/x/crypto/blake2b"
)

// Well-known storage keys of FRAME's System pallet.
const (
	keySystemEvents  = "0x26aa394eea5630e07c48ae0c9558cef780d41e5e16056765bc8461851072c9d7"
	keySystemAccount = "0x26aa394eea5630e07c48ae0c9558cef7b99d880ec681799c0cf30e8886371da9"
	keyLastUpgrade   = "0x26aa394eea5630e07c48ae0c9558cef7f9cce9c888469bb1a0dceaa129672ef8"
)

// accountKey is System.Account's key for who: blake2_128(who) ++ who.
func accountKey(who [32]byte) string {
	h, _ := blake2b.New(16, nil)
	h.Write(who[:])
	return keySystemAccount + hexBytes(append(h.Sum(nil), who[:]...))[2:]
}

// fakeChain sets up a fake node with a genesis, a finalized and a best
// block, and the given metadata and runtime version.
func fakeChain(t *testing.T, metaHex string, spec uint32) (*fakeNode, string, Head) {
	f, srv := newFakeNode(t)
	genesis, fin, best := Hash{0x01}, Head{Number: 16, Hash: Hash{0x16}}, Hash{0x17}
	f.methods["chain_getBlockHash"] = func(p []json.RawMessage) (any, error) {
		if len(p) == 0 {
			return best.Hex(), nil
		}
		var n uint64
		json.Unmarshal(p[0], &n)
		switch n {
		case 0:
			return genesis.Hex(), nil
		case fin.Number:
			return fin.Hash.Hex(), nil
		}
		return nil, nil
	}
	f.methods["chain_getHeader"] = func(p []json.RawMessage) (any, error) {
		var h string
		json.Unmarshal(p[0], &h)
		switch h {
		case fin.Hash.Hex():
			return map[string]any{"number": "0x10"}, nil
		case best.Hex():
			return map[string]any{"number": "0x11"}, nil
		}
		return nil, nil
	}
	f.answer("chain_getFinalizedHead", fin.Hash.Hex())
	f.answer("state_getRuntimeVersion", map[string]any{"specName": "x", "specVersion": spec, "transactionVersion": 1})
	f.answer("state_getMetadata", metaHex)
	return f, srv.URL, fin
}

func TestClientWestendOffline(t *testing.T) {
	ctx := context.Background()
	f, url, fin := fakeChain(t, hexBytes(westendMetadataBytes(t)), 9320)
	alice, err := identity.DevAccount("Alice")
	if err != nil {
		t.Fatal(err)
	}
	acct := readFile(t, accountFile)
	f.storage[keySystemEvents] = hexBytes(readFile(t, eventsFile))
	f.storage[accountKey(alice.PublicKey())] = hexBytes(acct)
	// LastRuntimeUpgrade {spec_version: Compact(9320), spec_name: "westend"}
	f.storage[keyLastUpgrade] = hexBytes(append(appendCompact(nil, 9320), append([]byte{7 << 2}, "westend"...)...))

	c, err := Dial(ctx, Options{URL: url, Asset: native, Logger: testlog.New(t)})
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	defer c.Close()
	if c.Genesis() != (Hash{0x01}) || c.Asset() != native {
		t.Fatalf("Genesis %v Asset %v", c.Genesis(), c.Asset())
	}
	if h, err := c.FinalizedHead(ctx); err != nil || h != fin {
		t.Fatalf("FinalizedHead = %+v, %v", h, err)
	}
	if h, err := c.BestHead(ctx); err != nil || h.Number != 17 {
		t.Fatalf("BestHead = %+v, %v", h, err)
	}
	if _, err := c.BlockHash(ctx, 99); !errors.Is(err, ErrNotFound) {
		t.Fatalf("BlockHash(99): %v, want ErrNotFound", err)
	}
	if _, err := c.HeaderNumber(ctx, Hash{0x99}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("HeaderNumber(unknown): %v, want ErrNotFound", err)
	}
	evs, err := c.Events(ctx, fin.Hash)
	if err != nil || len(evs) == 0 {
		t.Fatalf("Events = %d, %v", len(evs), err)
	}
	wantFree := leUint(acct[16:32])
	if b, err := c.Balance(ctx, alice.PublicKey(), Hash{}); err != nil || b.Cmp(wantFree) != 0 {
		t.Fatalf("Balance(Alice) = %v, %v; want %v", b, err, wantFree)
	}
	if b, err := c.Balance(ctx, AccountID{9}, fin.Hash); err != nil || b.Sign() != 0 {
		t.Fatalf("Balance(nobody) = %v, %v; want 0", b, err)
	}
	wantNonce := uint64(binary.LittleEndian.Uint32(acct[:4]))
	if n, err := c.NextNonce(ctx, alice.PublicKey()); err != nil || n != wantNonce {
		t.Fatalf("NextNonce = %d, %v; want %d", n, err, wantNonce)
	}
	if n := f.count("state_getMetadata"); n != 1 {
		t.Errorf("metadata read %d times; a runtime seen once is kept", n)
	}

	// A transfer, signed for real, submitted to the fake node.
	var submitted []byte
	f.methods["author_submitExtrinsic"] = func(p []json.RawMessage) (any, error) {
		var h string
		json.Unmarshal(p[0], &h)
		submitted, _ = parseHex(h)
		sum := blake2b.Sum256(submitted)
		return hexBytes(sum[:]), nil
	}
	var to AccountID
	to[0] = 0xee
	s, err := c.SubmitTransfer(ctx, alice, Transfer{To: to, Amount: big.NewInt(5), Memo: []byte("hi")})
	if err != nil {
		t.Fatalf("SubmitTransfer: %v", err)
	}
	if s.Hash != blake2b.Sum256(submitted) || s.Nonce != wantNonce || s.Birth != fin || s.Period != 64 || s.Expires != 16+63 {
		t.Fatalf("Submitted = %+v", s)
	}
	meta := westendMetadata(t)
	d := readExtrinsic(t, meta, submitted)
	if d.signer != alice.PublicKey() || d.calls.name != "Utility.batch_all" || len(d.calls.inner) != 2 ||
		d.calls.inner[0].name != "Balances.transfer_keep_alive" || d.calls.inner[1].name != "System.remark_with_event" {
		t.Fatalf("submitted %+v", d)
	}
	// The signature verifies over call ++ extra ++ additional.
	var additional []byte
	additional = binary.LittleEndian.AppendUint32(additional, 9320)
	additional = binary.LittleEndian.AppendUint32(additional, 14)
	additional = append(append(additional, 0x01), make([]byte, 31)...)
	additional = append(append(additional, 0x16), make([]byte, 31)...)
	payload := append(append(append([]byte{}, d.call...), d.extra...), additional...)
	if !identity.Verify(alice.PublicKey(), payload, d.sig) {
		t.Fatal("the signature does not verify over call ++ extra ++ additional")
	}
	nonce := uint64(41)
	s, err = c.SubmitRemark(ctx, alice, []byte("anchor"), TxOptions{Nonce: &nonce, Period: 4})
	if err != nil || s.Nonce != 41 || s.Period != 4 || s.Expires != 19 {
		t.Fatalf("SubmitRemark = %+v, %v", s, err)
	}
	if d := readExtrinsic(t, meta, submitted); d.calls.name != "System.remark_with_event" || d.extras["CheckNonce"][0] != 41<<2 {
		t.Fatalf("remark %+v", d)
	}

	for _, bad := range []Transfer{{To: to, Amount: big.NewInt(0)}, {To: to}, {To: to, Amount: big.NewInt(1), Memo: make([]byte, maxMemo+1)}} {
		if _, err := c.SubmitTransfer(ctx, alice, bad); err == nil {
			t.Errorf("SubmitTransfer(%+v) succeeded", bad)
		}
	}
}

func TestClientStatemintOffline(t *testing.T) {
	ctx := context.Background()
	f, url, _ := fakeChain(t, test.StatemintMetaHex, 9360)
	bob, err := identity.DevAccount("Bob")
	if err != nil {
		t.Fatal(err)
	}
	pub := bob.PublicKey()
	// Assets.Account: twox128("Assets") ++ twox128("Account") ++
	// blake2_128concat(1337 as u32) ++ blake2_128concat(bob).
	key := append(twox128([]byte("Assets")), twox128([]byte("Account"))...)
	for _, part := range [][]byte{binary.LittleEndian.AppendUint32(nil, USDCAssetID), pub[:]} {
		h, _ := blake2b.New(16, nil)
		h.Write(part)
		key = append(append(key, h.Sum(nil)...), part...)
	}
	// AssetAccount {balance: 2.5 USDC, is_frozen: false, reason: Sufficient, extra: ()}
	value := append(binary.LittleEndian.AppendUint64(nil, 2_500_000), make([]byte, 8)...)
	f.storage[hexBytes(key)] = hexBytes(append(value, 0, 1))

	c, err := Dial(ctx, Options{URL: url, Asset: Asset{ID: USDCAssetID, Decimals: 6}, Logger: testlog.New(t)})
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	defer c.Close()
	if b, err := c.Balance(ctx, pub, Hash{}); err != nil || b.Cmp(big.NewInt(2_500_000)) != 0 {
		t.Fatalf("USDC balance = %v, %v; want 2500000", b, err)
	}
	if b, err := c.Balance(ctx, AccountID{1}, Hash{}); err != nil || b.Sign() != 0 {
		t.Fatalf("USDC balance of nobody = %v, %v", b, err)
	}
	// USDT on the same runtime is another key: nothing there.
	c2, err := Dial(ctx, Options{URL: url, Asset: Asset{ID: USDTAssetID, Decimals: 6}, Logger: testlog.New(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	if b, err := c2.Balance(ctx, pub, Hash{}); err != nil || b.Sign() != 0 {
		t.Fatalf("USDT balance = %v, %v; want 0", b, err)
	}
}
