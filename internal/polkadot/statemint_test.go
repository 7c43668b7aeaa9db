package polkadot

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"math/big"
	"os"
	"strings"
	"testing"

	"github.com/centrifuge/go-substrate-rpc-client/v4/types"
	"github.com/opensky-network/opensky/internal/identity"
	"golang.org/x/crypto/blake2b"
)

// Asset Hub (Statemint) encoding, checked offline against the metadata
// bundled with go-substrate-rpc-client: specVersion 9360,
// transactionVersion 11, ChargeAssetTxPayment, Assets.transfer_keep_alive
// = [50, 9], Utility.batch_all = [40, 2], System.remark_with_event = [0, 7].

const statemintGenesis = "0x68d56f15f85d3136970ec16946040bc1752654e906147f7e43e9d539d7c3de2f"

// statemintCase is one extrinsic of the golden tests.
type statemintCase struct {
	golden   string
	asset    Asset
	feeAsset []byte // nil: fees in DOT
}

func statemintCases() []statemintCase {
	le := func(id uint32) []byte { return binary.LittleEndian.AppendUint32(nil, id) }
	usdc, usdt := Asset{ID: USDCAssetID, Decimals: 6}, Asset{ID: USDTAssetID, Decimals: 6}
	return []statemintCase{
		{"statemint-usdc-fee-dot", usdc, nil},
		{"statemint-usdc-fee-usdc", usdc, le(USDCAssetID)},
		{"statemint-usdt-fee-dot", usdt, nil},
		{"statemint-usdt-fee-usdt", usdt, le(USDTAssetID)},
	}
}

// statemintTx is the fixed transaction of the golden tests: 2.5 of the
// asset from //Alice to //Bob with a memo, nonce 7, born at block 3175139.
type statemintTx struct {
	alice, bob [32]byte
	amount     *big.Int
	memo       []byte
	params     txParams
}

func newStatemintTx(t *testing.T, rt *runtime, feeAsset []byte) statemintTx {
	t.Helper()
	alice, err := identity.DevAccount("Alice")
	if err != nil {
		t.Fatal(err)
	}
	bob, err := identity.DevAccount("Bob")
	if err != nil {
		t.Fatal(err)
	}
	return statemintTx{
		alice: alice.PublicKey(), bob: bob.PublicKey(),
		amount: big.NewInt(2_500_000), memo: []byte("opensky deposit 0001"),
		params: txParams{
			era: mortalEra(3175139, 64), birth: Hash(bytes.Repeat([]byte{0x22}, 32)), nonce: 7,
			specVersion: rt.version.SpecVersion, txVersion: rt.version.TransactionVersion,
			genesis: mustParseHash(t, statemintGenesis), feeAsset: feeAsset,
		},
	}
}

// encode builds the transfer batch and signs it with the recording
// signer.
func (x statemintTx) encode(t *testing.T, rt *runtime, asset Asset) (xt, call []byte, s *recordingSigner) {
	t.Helper()
	call, err := rt.transferBatch(asset, x.bob, x.amount, x.memo)
	if err != nil {
		t.Fatal(err)
	}
	parts, err := encodeExtensions(rt.exts, x.params)
	if err != nil {
		t.Fatal(err)
	}
	s = &recordingSigner{pub: x.alice}
	xt, err = signedExtrinsic(call, parts, s)
	if err != nil {
		t.Fatal(err)
	}
	return xt, call, s
}

func TestStatemintTransferEncoding(t *testing.T) {
	meta := statemintMetadata(t)
	for _, c := range statemintCases() {
		t.Run(c.golden, func(t *testing.T) {
			rt, err := newRuntime(meta, c.asset)
			if err != nil {
				t.Fatalf("newRuntime(statemint, %s): %v", c.asset, err)
			}
			if rt.version.SpecName != "statemint" || rt.version.SpecVersion != 9360 || rt.version.TransactionVersion != 11 {
				t.Fatalf("version %+v", rt.version)
			}
			x := newStatemintTx(t, rt, c.feeAsset)
			xt, call, signer := x.encode(t, rt, c.asset)

			// The call, written out by hand from the indices above.
			want := []byte{40, 2, 2 << 2, 50, 9}
			want = appendCompact(want, uint64(c.asset.ID))
			want = append(append(want, 0), x.bob[:]...) // MultiAddress::Id
			want = appendCompact(want, 2_500_000)
			want = append(want, 0, 7)
			want = append(appendCompact(want, uint64(len(x.memo))), x.memo...)
			if !bytes.Equal(call, want) {
				t.Fatalf("call\n got %x\nwant %x", call, want)
			}

			// Read back with the metadata, to the last byte.
			d := readExtrinsic(t, meta, xt)
			if d.signer != x.alice || !bytes.Equal(d.sig, make([]byte, 64)) || !bytes.Equal(d.call, call) {
				t.Fatalf("read back: signer %x sig %x", d.signer, d.sig)
			}
			if d.calls.name != "Utility.batch_all" || len(d.calls.inner) != 2 ||
				d.calls.inner[0].name != "Assets.transfer_keep_alive" || d.calls.inner[1].name != "System.remark_with_event" {
				t.Fatalf("calls read back: %+v", d.calls)
			}
			tr := d.calls.inner[0].args
			if !bytes.Equal(tr["id"], appendCompact(nil, uint64(c.asset.ID))) ||
				!bytes.Equal(tr["target"], append([]byte{0}, x.bob[:]...)) ||
				!bytes.Equal(tr["amount"], appendCompact(nil, 2_500_000)) {
				t.Fatalf("transfer arguments read back: %x", tr)
			}
			era := x.params.era.encode()
			if !bytes.Equal(d.extras["CheckMortality"], era[:]) || !bytes.Equal(d.extras["CheckNonce"], []byte{7 << 2}) {
				t.Fatalf("extras read back: %x", d.extras)
			}
			wantFee := []byte{0, 0} // tip 0, None
			if c.feeAsset != nil {
				wantFee = append([]byte{0, 1}, c.feeAsset...)
			}
			if !bytes.Equal(d.extras["ChargeAssetTxPayment"], wantFee) {
				t.Fatalf("ChargeAssetTxPayment extra %x, want %x", d.extras["ChargeAssetTxPayment"], wantFee)
			}

			// The signed payload: call ++ extra ++ additional.
			additional := binary.LittleEndian.AppendUint32(nil, 9360)
			additional = binary.LittleEndian.AppendUint32(additional, 11)
			additional = append(append(additional, x.params.genesis[:]...), x.params.birth[:]...)
			payload := append(append(append([]byte{}, call...), d.extra...), additional...)
			if len(payload) > 256 || !bytes.Equal(signer.msg, payload) {
				t.Fatalf("signed\n%x\nwant the %d-byte payload\n%x", signer.msg, len(payload), payload)
			}
			checkGolden(t, c.golden, xt)
		})
	}
}

// A payload over 256 bytes is signed as its blake2_256.
func TestLongPayloadIsHashed(t *testing.T) {
	meta := statemintMetadata(t)
	asset := Asset{ID: USDCAssetID, Decimals: 6}
	rt, err := newRuntime(meta, asset)
	if err != nil {
		t.Fatal(err)
	}
	x := newStatemintTx(t, rt, nil)
	x.memo = bytes.Repeat([]byte("m"), 300)
	xt, call, signer := x.encode(t, rt, asset)
	d := readExtrinsic(t, meta, xt)
	additional := binary.LittleEndian.AppendUint32(nil, 9360)
	additional = binary.LittleEndian.AppendUint32(additional, 11)
	additional = append(append(additional, x.params.genesis[:]...), x.params.birth[:]...)
	sum := blake2b.Sum256(append(append(append([]byte{}, call...), d.extra...), additional...))
	if !bytes.Equal(signer.msg, sum[:]) {
		t.Fatalf("signed %x, want blake2_256 of the payload %x", signer.msg, sum)
	}
}

// Current runtimes list CheckMetadataHash last: one mode byte (0,
// disabled) at the end of the extra, and None (0) at the end of the
// additional data.
func TestCheckMetadataHashEncoding(t *testing.T) {
	asset := Asset{ID: USDCAssetID, Decimals: 6}
	plainMeta := statemintMetadata(t)
	plain, err := newRuntime(plainMeta, asset)
	if err != nil {
		t.Fatal(err)
	}
	meta := withCheckMetadataHash(t, statemintMetadata(t))
	rt, err := newRuntime(meta, asset)
	if err != nil {
		t.Fatalf("newRuntime with CheckMetadataHash: %v", err)
	}
	x := newStatemintTx(t, rt, nil)
	xtPlain, call, signerPlain := x.encode(t, plain, asset)
	xt, _, signer := x.encode(t, rt, asset)

	// The extrinsic is the plain one with one 0 byte between extra and
	// call, and a length one more.
	bodyPlain := xtPlain[2:] // both length prefixes are 2 bytes, as checked below
	wantBody := append(append(append([]byte{}, bodyPlain[:len(bodyPlain)-len(call)]...), 0), call...)
	if got := xt[2:]; !bytes.Equal(got, wantBody) || !bytes.Equal(xt[:2], appendCompact(nil, uint64(len(wantBody)))) {
		t.Fatalf("extrinsic\n got %x\nwant %x", xt, append(appendCompact(nil, uint64(len(wantBody))), wantBody...))
	}
	d := readExtrinsic(t, meta, xt)
	if !bytes.Equal(d.extras["CheckMetadataHash"], []byte{0}) {
		t.Fatalf("CheckMetadataHash extra %x, want 00", d.extras["CheckMetadataHash"])
	}
	// The payload: call ++ extra ++ 00 ++ additional ++ 00.
	dp := readExtrinsic(t, plainMeta, xtPlain)
	additional := signerPlain.msg[len(call)+len(dp.extra):]
	want := append(append(append(append(append([]byte{}, call...), dp.extra...), 0), additional...), 0)
	if !bytes.Equal(signer.msg, want) {
		t.Fatalf("signed\n%x\nwant\n%x", signer.msg, want)
	}
	checkGolden(t, "statemint-usdc-checkmetadatahash", xt)
}

// withCheckMetadataHash appends the CheckMetadataHash extension, with the
// types it has in current runtimes, to meta.
func withCheckMetadataHash(t *testing.T, meta *types.Metadata) *types.Metadata {
	t.Helper()
	m := &meta.AsMetadataV14
	var bytes32, next int64 = -1, 0
	for id, ty := range m.EfficientLookup {
		next = max(next, id+1)
		if ty.Def.IsArray && ty.Def.Array.Len == 32 {
			if e := m.EfficientLookup[ty.Def.Array.Type.Int64()]; e != nil && e.Def.IsPrimitive &&
				e.Def.Primitive.Si0TypeDefPrimitive == types.IsU8 {
				bytes32 = id
			}
		}
	}
	if bytes32 < 0 {
		t.Fatal("no [u8; 32] type")
	}
	id := func(n int64) types.Si1LookupTypeID { return types.NewSi1LookupTypeIDFromUInt(uint64(n)) }
	mode := types.Si1Type{
		Path: types.Si1Path{"frame_metadata_hash_extension", "Mode"},
		Def: types.Si1TypeDef{IsVariant: true, Variant: types.Si1TypeDefVariant{Variants: []types.Si1Variant{
			{Name: "Disabled", Index: 0}, {Name: "Enabled", Index: 1},
		}}},
	}
	option := types.Si1Type{
		Path: types.Si1Path{"Option"},
		Def: types.Si1TypeDef{IsVariant: true, Variant: types.Si1TypeDefVariant{Variants: []types.Si1Variant{
			{Name: "None", Index: 0},
			{Name: "Some", Index: 1, Fields: []types.Si1Field{{Type: id(bytes32)}}},
		}}},
	}
	modeID, optionID := next, next+1
	m.Lookup.Types = append(m.Lookup.Types, types.PortableTypeV14{ID: id(modeID), Type: mode},
		types.PortableTypeV14{ID: id(optionID), Type: option})
	m.EfficientLookup[modeID], m.EfficientLookup[optionID] = &mode, &option
	m.Extrinsic.SignedExtensions = append(m.Extrinsic.SignedExtensions, types.SignedExtensionMetadataV14{
		Identifier: "CheckMetadataHash", Type: id(modeID), AdditionalSigned: id(optionID),
	})
	return meta
}

// checkGolden compares xt with testdata/<name>.hex, or writes it with
// -update.
func checkGolden(t *testing.T, name string, xt []byte) {
	t.Helper()
	path := "testdata/" + name + ".hex"
	if *update {
		writeFile(t, path, []byte(hex.EncodeToString(xt)+"\n"))
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to write it)", err)
	}
	if got := hex.EncodeToString(xt); got != strings.TrimSpace(string(want)) {
		t.Fatalf("%s changed:\n got %s\nwant %s", path, got, strings.TrimSpace(string(want)))
	}
}
