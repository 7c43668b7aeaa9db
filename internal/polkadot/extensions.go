package polkadot

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/big"

	"github.com/centrifuge/go-substrate-rpc-client/v4/types"
)

// ErrUnknownExtension marks a runtime that lists a signed extension this
// package does not know: it refuses to sign rather than guess its bytes.
var ErrUnknownExtension = errors.New("polkadot: unknown signed extension")

// txParams are the values the signed extensions commit to.
type txParams struct {
	era         era
	birth       Hash // hash of the era's birth block
	nonce       uint64
	tip         *big.Int // nil means 0
	specVersion uint32
	txVersion   uint32
	genesis     Hash
	// feeAsset is the SCALE-encoded asset ChargeAssetTxPayment pays fees
	// in; nil pays in the native token (Option::None), which encodes the
	// same whatever the runtime's asset ID type is.
	feeAsset []byte
}

// extPart is what one signed extension adds: extra goes into the
// extrinsic, additional is only signed.
type extPart struct {
	id                string
	extra, additional []byte
}

// encodeExtensions walks the runtime's signed extensions in order.
func encodeExtensions(exts []types.SignedExtensionMetadataV14, p txParams) ([]extPart, error) {
	tip := p.tip
	if tip == nil {
		tip = new(big.Int)
	}
	parts := make([]extPart, 0, len(exts))
	for _, se := range exts {
		x := extPart{id: string(se.Identifier)}
		var err error
		switch x.id {
		case "CheckNonZeroSender", "CheckWeight", "PrevalidateAttests",
			"StorageWeightReclaim", "WeightReclaim", "AuthorizeCall":
			// Nothing sent, nothing signed.
		case "CheckSpecVersion":
			x.additional = binary.LittleEndian.AppendUint32(nil, p.specVersion)
		case "CheckTxVersion":
			x.additional = binary.LittleEndian.AppendUint32(nil, p.txVersion)
		case "CheckGenesis":
			x.additional = append([]byte{}, p.genesis[:]...)
		case "CheckMortality", "CheckEra":
			e := p.era.encode()
			x.extra = e[:]
			x.additional = append([]byte{}, p.birth[:]...)
		case "CheckNonce":
			x.extra = appendCompact(nil, p.nonce)
		case "ChargeTransactionPayment":
			x.extra, err = appendCompactBig(nil, tip, 16)
		case "ChargeAssetTxPayment":
			if x.extra, err = appendCompactBig(nil, tip, 16); err == nil {
				if p.feeAsset == nil {
					x.extra = append(x.extra, 0) // None: fees in the native token
				} else {
					x.extra = append(append(x.extra, 1), p.feeAsset...)
				}
			}
		case "CheckMetadataHash":
			// Mode::Disabled, and no metadata hash (None) in the signature.
			x.extra = []byte{0}
			x.additional = []byte{0}
		default:
			return nil, fmt.Errorf("%w %q: refusing to sign for this runtime", ErrUnknownExtension, x.id)
		}
		if err != nil {
			return nil, fmt.Errorf("signed extension %s: %w", x.id, err)
		}
		parts = append(parts, x)
	}
	return parts, nil
}

// checkExtensions encodes sample values for every signed extension and
// reads them back as the metadata declares them, so that a runtime whose
// extensions carry other types than this package writes is refused before
// anything is signed.
func checkExtensions(m *types.MetadataV14) error {
	p := txParams{era: mortalEra(100, defaultPeriod), nonce: 1 << 20, specVersion: 1, txVersion: 1}
	parts, err := encodeExtensions(m.Extrinsic.SignedExtensions, p)
	if err != nil {
		return err
	}
	l := typeLookup(m.EfficientLookup)
	for i, se := range m.Extrinsic.SignedExtensions {
		for _, c := range []struct {
			what string
			typ  int64
			b    []byte
		}{{"extra", se.Type.Int64(), parts[i].extra}, {"additional", se.AdditionalSigned.Int64(), parts[i].additional}} {
			r := newReader(l, c.b)
			if err := r.skip(c.typ, 0); err != nil {
				return fmt.Errorf("%w: signed extension %s: its %s data is not what this package writes: %v", ErrMetadata, se.Identifier, c.what, err)
			}
			if err := r.end(); err != nil {
				return fmt.Errorf("%w: signed extension %s: its %s data is shorter than what this package writes: %v", ErrMetadata, se.Identifier, c.what, err)
			}
		}
	}
	return nil
}

// joinParts concatenates the extra and the additional bytes of all parts.
func joinParts(parts []extPart) (extra, additional []byte) {
	for _, x := range parts {
		extra = append(extra, x.extra...)
		additional = append(additional, x.additional...)
	}
	return extra, additional
}
