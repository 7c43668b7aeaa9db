package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/big"

	"github.com/opensky-network/opensky/prototypes/polkadot/xt"

	"github.com/centrifuge/go-substrate-rpc-client/v4/registry"
	"github.com/centrifuge/go-substrate-rpc-client/v4/scale"
	"github.com/centrifuge/go-substrate-rpc-client/v4/signature"
	"github.com/centrifuge/go-substrate-rpc-client/v4/types"
)

// skip consumes one value of metadata type id from d; it is a minimal
// metadata-driven SCALE reader used to check that hand-encoded bytes have
// exactly the shape the runtime declares.
func skip(d *scale.Decoder, id int64) error {
	t := meta.AsMetadataV14.EfficientLookup[id]
	if t == nil {
		return fmt.Errorf("type %d not found", id)
	}
	def := t.Def
	switch {
	case def.IsPrimitive:
		n := map[types.Si0TypeDefPrimitive]int{types.IsBool: 1, types.IsU8: 1, types.IsU16: 2, types.IsU32: 4, types.IsU64: 8, types.IsU128: 16, types.IsU256: 32, types.IsI8: 1, types.IsI16: 2, types.IsI32: 4, types.IsI64: 8, types.IsI128: 16}[def.Primitive.Si0TypeDefPrimitive]
		if n == 0 {
			return fmt.Errorf("primitive %d unsupported", def.Primitive.Si0TypeDefPrimitive)
		}
		buf := make([]byte, n)
		return d.Read(buf)
	case def.IsCompact:
		_, err := d.DecodeUintCompact()
		return err
	case def.IsComposite:
		for _, f := range def.Composite.Fields {
			if err := skip(d, f.Type.Int64()); err != nil {
				return err
			}
		}
		return nil
	case def.IsTuple:
		for _, e := range def.Tuple {
			if err := skip(d, e.Int64()); err != nil {
				return err
			}
		}
		return nil
	case def.IsArray:
		for i := 0; i < int(def.Array.Len); i++ {
			if err := skip(d, def.Array.Type.Int64()); err != nil {
				return err
			}
		}
		return nil
	case def.IsSequence:
		n, err := d.DecodeUintCompact()
		if err != nil {
			return err
		}
		for i := uint64(0); i < n.Uint64(); i++ {
			if err := skip(d, def.Sequence.Type.Int64()); err != nil {
				return err
			}
		}
		return nil
	case def.IsVariant:
		b, err := d.ReadOneByte()
		if err != nil {
			return err
		}
		for _, v := range def.Variant.Variants {
			if byte(v.Index) == b {
				for _, f := range v.Fields {
					if err := skip(d, f.Type.Int64()); err != nil {
						return err
					}
				}
				return nil
			}
		}
		return fmt.Errorf("variant index %d not in type %d", b, id)
	}
	return fmt.Errorf("type %d: unsupported kind", id)
}

// checkAssetHub hand-encodes Assets.transfer_keep_alive signed with
// ChargeAssetTxPayment and checks it against the bundled metadata.
func checkAssetHub() error {
	dest, _ := signature.KeyringPairFromSecret("//Bob", 0)
	to, _ := types.NewMultiAddressFromAccountID(dest.PublicKey)
	call, err := types.NewCall(&meta, "Assets.transfer_keep_alive",
		types.NewUCompactFromUInt(1337), to, types.NewUCompact(big.NewInt(2_500_000)))
	if err != nil {
		return err
	}
	callReg, err := registry.NewFactory().CreateCallRegistry(&meta)
	if err != nil {
		return err
	}
	usdc := binary.LittleEndian.AppendUint32(nil, 1337)
	for _, asset := range [][]byte{nil, usdc} {
		p := xt.Params{Era: types.ExtrinsicEra{IsImmortalEra: true}, Nonce: 7, Tip: 0, SpecVersion: 9360, TxVersion: 11, AssetID: asset}
		raw, err := xt.Signed(&meta, call, signature.TestKeyringPairAlice, p)
		if err != nil {
			return err
		}
		d := scale.NewDecoder(bytes.NewReader(raw))
		l, _ := d.DecodeUintCompact()
		ver, _ := d.ReadOneByte()
		if ver != 0x84 {
			return fmt.Errorf("version byte %x", ver)
		}
		// address and signature per the extrinsic type parameters
		var addr types.MultiAddress
		var sig types.MultiSignature
		if err := d.Decode(&addr); err != nil {
			return err
		}
		if err := d.Decode(&sig); err != nil {
			return err
		}
		for _, se := range meta.AsMetadataV14.Extrinsic.SignedExtensions {
			if err := skip(d, se.Type.Int64()); err != nil {
				return fmt.Errorf("extra of %s: %w", se.Identifier, err)
			}
		}
		var ci types.CallIndex
		if err := d.Decode(&ci); err != nil {
			return err
		}
		dec, ok := callReg[ci]
		if !ok {
			return fmt.Errorf("call index %v unknown", ci)
		}
		fields, err := dec.Decode(d)
		if err != nil {
			return fmt.Errorf("call args: %w", err)
		}
		if _, err := d.ReadOneByte(); err == nil {
			return fmt.Errorf("trailing bytes")
		}
		fmt.Printf("asset-hub extrinsic (fee asset %x): %d bytes (len prefix %v), call %s, args:", asset, len(raw), l, dec.Name)
		for _, f := range fields {
			fmt.Printf(" %s=%v", f.Name, f.Value)
		}
		fmt.Printf("\n  hex=%x\n", raw)
	}
	return nil
}
