package polkadot

import (
	"errors"
	"strings"
	"testing"

	"github.com/centrifuge/go-substrate-rpc-client/v4/types"
)

var native = Asset{Native: true, Decimals: 12}

func TestRuntimeAcceptsWestend(t *testing.T) {
	rt, err := newRuntime(westendMetadata(t), native)
	if err != nil {
		t.Fatalf("newRuntime(westend-dev): %v", err)
	}
	if rt.version.SpecName != "westend" || rt.version.SpecVersion != 9320 || rt.version.TransactionVersion != 14 {
		t.Errorf("version %+v, want westend 9320 / 14", rt.version)
	}
	var ids []string
	for _, se := range rt.exts {
		ids = append(ids, string(se.Identifier))
	}
	if got := strings.Join(ids, " "); got != "CheckNonZeroSender CheckSpecVersion CheckTxVersion CheckGenesis CheckMortality CheckNonce CheckWeight ChargeTransactionPayment" {
		t.Errorf("westend-dev extensions: %s", got)
	}
	if rt.upgrade == nil {
		t.Error("System.LastRuntimeUpgrade not found")
	}
}

func TestRuntimeRefusesUnknownExtension(t *testing.T) {
	meta := westendMetadata(t)
	m := &meta.AsMetadataV14
	exts := m.Extrinsic.SignedExtensions
	m.Extrinsic.SignedExtensions = append(exts[:len(exts):len(exts)], types.SignedExtensionMetadataV14{
		Identifier: "CheckSomethingNew", Type: exts[0].Type, AdditionalSigned: exts[0].AdditionalSigned,
	})
	_, err := newRuntime(meta, native)
	if !errors.Is(err, ErrUnknownExtension) || !strings.Contains(err.Error(), "CheckSomethingNew") {
		t.Fatalf("newRuntime with an unknown extension: %v, want ErrUnknownExtension naming it", err)
	}
	if _, err := encodeExtensions(m.Extrinsic.SignedExtensions, txParams{}); !errors.Is(err, ErrUnknownExtension) {
		t.Fatalf("encodeExtensions: %v", err)
	}
}

// A known extension whose declared types differ from what the encoder
// writes is refused: CheckNonce as a plain u64 instead of Compact<u32>.
func TestRuntimeRefusesExtensionOfAnotherType(t *testing.T) {
	meta := westendMetadata(t)
	m := &meta.AsMetadataV14
	var u64 int64 = -1
	for id, ty := range m.EfficientLookup {
		if ty.Def.IsPrimitive && ty.Def.Primitive.Si0TypeDefPrimitive == types.IsU64 {
			u64 = id
		}
	}
	if u64 < 0 {
		t.Fatal("no u64 type in the metadata")
	}
	for i := range m.Extrinsic.SignedExtensions {
		if m.Extrinsic.SignedExtensions[i].Identifier == "CheckNonce" {
			m.Extrinsic.SignedExtensions[i].Type = types.NewSi1LookupTypeIDFromUInt(uint64(u64))
		}
	}
	if _, err := newRuntime(meta, native); !errors.Is(err, ErrMetadata) || !strings.Contains(err.Error(), "CheckNonce") {
		t.Fatalf("newRuntime: %v, want ErrMetadata about CheckNonce", err)
	}
}

func TestRuntimeRefusesMissingCalls(t *testing.T) {
	// westend has no Assets pallet.
	if _, err := newRuntime(westendMetadata(t), Asset{ID: USDCAssetID, Decimals: 6}); !errors.Is(err, ErrMetadata) ||
		!strings.Contains(err.Error(), "Assets") {
		t.Errorf("USDC on westend: %v", err)
	}
	for _, drop := range []string{"Utility", "Balances"} {
		meta := westendMetadata(t)
		m := &meta.AsMetadataV14
		for i := range m.Pallets {
			if string(m.Pallets[i].Name) == drop {
				m.Pallets[i].HasCalls = false
			}
		}
		if _, err := newRuntime(meta, native); !errors.Is(err, ErrMetadata) || !strings.Contains(err.Error(), drop) {
			t.Errorf("without %s calls: %v", drop, err)
		}
	}
}

func TestEncodeExtensionsWestend(t *testing.T) {
	meta := westendMetadata(t)
	p := txParams{era: mortalEra(42, 64), birth: Hash{0xbb}, nonce: 300, specVersion: 9320, txVersion: 14, genesis: Hash{0xaa}}
	parts, err := encodeExtensions(meta.AsMetadataV14.Extrinsic.SignedExtensions, p)
	if err != nil {
		t.Fatal(err)
	}
	extra, additional := joinParts(parts)
	// era (2) ++ Compact(300) (2) ++ Compact(tip 0) (1)
	if want := []byte{0xa5, 0x02, 0xb1, 0x04, 0x00}; string(extra) != string(want) {
		t.Errorf("extra = %x, want %x", extra, want)
	}
	// spec u32 ++ tx u32 ++ genesis ++ birth
	want := append(append([]byte{0x68, 0x24, 0, 0, 14, 0, 0, 0}, p.genesis[:]...), p.birth[:]...)
	if string(additional) != string(want) {
		t.Errorf("additional = %x, want %x", additional, want)
	}
}
