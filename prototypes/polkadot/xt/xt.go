// Package xt builds signed extrinsics by hand from the runtime metadata.
package xt

import (
	"bytes"
	"errors"
	"fmt"
	"math/big"

	"github.com/centrifuge/go-substrate-rpc-client/v4/scale"
	"github.com/centrifuge/go-substrate-rpc-client/v4/signature"
	"github.com/centrifuge/go-substrate-rpc-client/v4/types"
	"github.com/centrifuge/go-substrate-rpc-client/v4/types/codec"
)

// Params are the values the signed extensions need.
type Params struct {
	Era         types.ExtrinsicEra
	BirthHash   types.Hash // genesis hash for an immortal era
	Nonce       uint64
	Tip         uint64
	SpecVersion uint32
	TxVersion   uint32
	Genesis     types.Hash
	// AssetID selects the fee asset for ChargeAssetTxPayment; nil pays in
	// the native token and encodes as Option::None (one zero byte) whatever
	// the runtime's AssetId type is.
	AssetID []byte // already SCALE-encoded asset id (u32 LE, or a Location)
}

var ErrUnknownExtension = errors.New("unknown signed extension")

// EncodeExtensions walks the runtime's signed extensions in metadata order
// and returns the "extra" bytes (sent in the extrinsic) and the "additional"
// bytes (only signed).
func EncodeExtensions(meta *types.Metadata, p Params) (extra, additional []byte, err error) {
	var ex, ad bytes.Buffer
	e, a := scale.NewEncoder(&ex), scale.NewEncoder(&ad)
	for _, se := range meta.AsMetadataV14.Extrinsic.SignedExtensions {
		switch se.Identifier {
		case "CheckNonZeroSender", "CheckWeight", "PrevalidateAttests", "StorageWeightReclaim", "WeightReclaim", "AuthorizeCall":
			// no extra, no additional
		case "CheckSpecVersion":
			err = a.Encode(types.U32(p.SpecVersion))
		case "CheckTxVersion":
			err = a.Encode(types.U32(p.TxVersion))
		case "CheckGenesis":
			err = a.Encode(p.Genesis)
		case "CheckMortality", "CheckEra":
			if err = e.Encode(p.Era); err == nil {
				err = a.Encode(p.BirthHash)
			}
		case "CheckNonce":
			err = e.Encode(types.NewUCompactFromUInt(p.Nonce))
		case "ChargeTransactionPayment":
			err = e.Encode(types.NewUCompactFromUInt(p.Tip))
		case "ChargeAssetTxPayment":
			if err = e.Encode(types.NewUCompactFromUInt(p.Tip)); err != nil {
				break
			}
			if p.AssetID == nil {
				err = e.PushByte(0) // None
			} else {
				if err = e.PushByte(1); err == nil {
					err = e.Write(p.AssetID)
				}
			}
		case "CheckMetadataHash":
			// mode 0 (disabled): one byte of extra, None in additional.
			if err = e.PushByte(0); err == nil {
				err = a.PushByte(0)
			}
		default:
			return nil, nil, fmt.Errorf("%w: %s", ErrUnknownExtension, se.Identifier)
		}
		if err != nil {
			return nil, nil, err
		}
	}
	return ex.Bytes(), ad.Bytes(), nil
}

// Signed builds a v4 signed extrinsic by hand: the gsrpc
// Extrinsic type only knows the fixed era/nonce/tip extension layout.
func Signed(meta *types.Metadata, call types.Call, kp signature.KeyringPair, p Params) ([]byte, error) {
	callBytes, err := codec.Encode(call)
	if err != nil {
		return nil, err
	}
	extra, additional, err := EncodeExtensions(meta, p)
	if err != nil {
		return nil, err
	}
	payload := append(append(append([]byte{}, callBytes...), extra...), additional...)
	sig, err := signature.Sign(payload, kp.URI) // hashes payloads over 256 bytes
	if err != nil {
		return nil, err
	}
	var body bytes.Buffer
	body.WriteByte(0x84)     // signed, version 4
	body.WriteByte(0x00)     // MultiAddress::Id
	body.Write(kp.PublicKey) // 32 bytes
	body.WriteByte(0x01)     // MultiSignature::Sr25519
	body.Write(sig)          // 64 bytes
	body.Write(extra)
	body.Write(callBytes)
	var out bytes.Buffer
	if err := scale.NewEncoder(&out).EncodeUintCompact(*new(big.Int).SetUint64(uint64(body.Len()))); err != nil {
		return nil, err
	}
	out.Write(body.Bytes())
	return out.Bytes(), nil
}
