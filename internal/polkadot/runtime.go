package polkadot

import (
	"errors"
	"fmt"
	"math/big"

	"github.com/centrifuge/go-substrate-rpc-client/v4/types"
	"github.com/centrifuge/go-substrate-rpc-client/v4/types/codec"
)

// ErrMetadata marks a runtime this package cannot work with: a call, a
// storage item or a signed extension is missing or has an unexpected type.
var ErrMetadata = errors.New("polkadot: unsupported runtime")

// runtimeVersion is the part of a runtime's version the client uses, as
// state_getRuntimeVersion reports it.
type runtimeVersion struct {
	SpecName           string `json:"specName"`
	SpecVersion        uint32 `json:"specVersion"`
	TransactionVersion uint32 `json:"transactionVersion"`
}

// versionOf reads the runtime's version from its own metadata (the
// System.Version constant), so that a runtime and its version always
// belong together.
func versionOf(m *types.MetadataV14) (runtimeVersion, error) {
	var v runtimeVersion
	for _, p := range m.Pallets {
		if string(p.Name) != "System" {
			continue
		}
		for _, c := range p.Constants {
			if string(c.Name) != "Version" {
				continue
			}
			l := typeLookup(m.EfficientLookup)
			name, err := decodeField(l, c.Type.Int64(), c.Value, "spec_name")
			if err != nil {
				return v, fmt.Errorf("System.Version: %w", err)
			}
			r := newReader(l, name.raw)
			n, err := r.compactLen()
			if err != nil {
				return v, fmt.Errorf("System.Version spec_name: %w", err)
			}
			v.SpecName = string(name.raw[len(name.raw)-n:])
			for _, f := range []struct {
				name string
				out  *uint32
			}{{"spec_version", &v.SpecVersion}, {"transaction_version", &v.TransactionVersion}} {
				val, err := decodeField(l, c.Type.Int64(), c.Value, f.name)
				if err != nil {
					return v, fmt.Errorf("System.Version: %w", err)
				}
				x, err := l.uintOf(val)
				if err != nil || !x.IsUint64() || x.Uint64() > 1<<32-1 {
					return v, fmt.Errorf("%w: System.Version %s is not a u32", ErrMetadata, f.name)
				}
				*f.out = uint32(x.Uint64())
			}
			return v, nil
		}
	}
	return v, fmt.Errorf("%w: no System.Version constant", ErrMetadata)
}

// runtime is one version of the chain's runtime, checked for everything
// the client does with it.
type runtime struct {
	version  runtimeVersion
	upgrade  *storageEntry // System.LastRuntimeUpgrade, nil if the runtime has none
	meta     *types.Metadata
	lookup   typeLookup
	exts     []types.SignedExtensionMetadataV14
	transfer *callInfo // Balances or Assets transfer_keep_alive
	remark   *callInfo // System.remark_with_event
	batch    *callInfo // Utility.batch_all
	events   *eventLayout
	accounts *accountLayout
}

// decodeMetadata decodes state_getMetadata's answer.
func decodeMetadata(hexMeta string) (meta *types.Metadata, err error) {
	defer func() {
		if p := recover(); p != nil {
			meta, err = nil, fmt.Errorf("%w: metadata decoder failed: %v", ErrDecode, p)
		}
	}()
	meta = new(types.Metadata)
	if err := codec.DecodeFromHex(hexMeta, meta); err != nil {
		return nil, fmt.Errorf("%w: metadata: %v", ErrDecode, err)
	}
	return meta, nil
}

// newRuntime checks that meta has every call, storage item and signed
// extension the client needs for asset, with the types it encodes.
func newRuntime(meta *types.Metadata, asset Asset) (*runtime, error) {
	if meta.Version != 14 {
		return nil, fmt.Errorf("%w: metadata version %d, want 14", ErrMetadata, meta.Version)
	}
	m := &meta.AsMetadataV14
	if m.Extrinsic.Version != 4 {
		return nil, fmt.Errorf("%w: extrinsic version %d, want 4", ErrMetadata, m.Extrinsic.Version)
	}
	v, err := versionOf(m)
	if err != nil {
		return nil, err
	}
	rt := &runtime{version: v, meta: meta, lookup: typeLookup(m.EfficientLookup), exts: m.Extrinsic.SignedExtensions}
	if up, err := findStorage(m, "System", "LastRuntimeUpgrade"); err == nil {
		if _, err := rt.lookup.fieldPath(up.value, "spec_version"); err == nil && len(up.hashers) == 0 {
			rt.upgrade = up
		}
	}
	if err := checkExtrinsicType(rt.lookup, m.Extrinsic.Type.Int64()); err != nil {
		return nil, err
	}
	if err := checkExtensions(m); err != nil {
		return nil, err
	}
	if asset.Native {
		rt.transfer, err = findCall(m, "Balances", "transfer_keep_alive")
	} else {
		rt.transfer, err = findCall(m, "Assets", "transfer_keep_alive")
	}
	if err != nil {
		return nil, err
	}
	if rt.remark, err = findCall(m, "System", "remark_with_event"); err != nil {
		return nil, err
	}
	if rt.batch, err = findCall(m, "Utility", "batch_all"); err != nil {
		return nil, err
	}
	if err := rt.checkCalls(asset); err != nil {
		return nil, err
	}
	if rt.events, err = newEventLayout(m); err != nil {
		return nil, err
	}
	if rt.accounts, err = newAccountLayout(m, asset); err != nil {
		return nil, err
	}
	return rt, nil
}

// checkExtrinsicType checks, where the metadata says, that extrinsics are
// addressed by MultiAddress::Id and signed with MultiSignature::Sr25519 at
// the indices this package writes.
func checkExtrinsicType(l typeLookup, id int64) error {
	t := l[id]
	if t == nil {
		return fmt.Errorf("%w: extrinsic type %d is missing", ErrMetadata, id)
	}
	for _, p := range t.Params {
		if !p.HasType {
			continue
		}
		var name string
		var index byte
		switch string(p.Name) {
		case "Address":
			name, index = "Id", multiAddressID
		case "Signature":
			name, index = "Sr25519", multiSigSr25519
		default:
			continue
		}
		pt := l[p.Type.Int64()]
		if pt != nil && pt.Def.IsVariant {
			ok := false
			for _, v := range pt.Def.Variant.Variants {
				ok = ok || (string(v.Name) == name && byte(v.Index) == index)
			}
			if !ok {
				return fmt.Errorf("%w: extrinsic %s type %s has no %s at index %d", ErrMetadata, p.Name, typeName(pt), name, index)
			}
			continue
		}
		if string(p.Name) == "Address" && l.is32Bytes(p.Type.Int64()) {
			return fmt.Errorf("%w: extrinsics are addressed by a plain account ID, not a MultiAddress", ErrMetadata)
		}
		return fmt.Errorf("%w: extrinsic %s type is not an enum", ErrMetadata, p.Name)
	}
	return nil
}

// checkCalls builds a sample batch and reads it back as the metadata's
// call type, so that argument types the encoder does not write are
// refused now rather than rejected by the node later.
func (rt *runtime) checkCalls(asset Asset) error {
	call, err := rt.transferBatch(asset, AccountID{1}, big.NewInt(1), []byte("memo"))
	if err != nil {
		return err
	}
	// call is the batch's index and its one argument, Vec<RuntimeCall>.
	r := newReader(rt.lookup, call[2:])
	if err := r.skip(rt.batch.args[0].Type.Int64(), 0); err != nil {
		return fmt.Errorf("%w: the encoded batch does not read back: %v", ErrMetadata, err)
	}
	if err := r.end(); err != nil {
		return fmt.Errorf("%w: the encoded batch does not read back: %v", ErrMetadata, err)
	}
	return nil
}

// transferCall encodes transfer_keep_alive of amount of the asset to to.
func (rt *runtime) transferCall(asset Asset, to AccountID, amount *big.Int) ([]byte, error) {
	if asset.Native {
		return rt.transfer.encode(rt.lookup, to, amount)
	}
	return rt.transfer.encode(rt.lookup, asset.ID, to, amount)
}

// remarkCall encodes System.remark_with_event(memo).
func (rt *runtime) remarkCall(memo []byte) ([]byte, error) {
	return rt.remark.encode(rt.lookup, memo)
}

// transferBatch encodes Utility.batch_all([transfer, remark]).
func (rt *runtime) transferBatch(asset Asset, to AccountID, amount *big.Int, memo []byte) ([]byte, error) {
	tr, err := rt.transferCall(asset, to, amount)
	if err != nil {
		return nil, err
	}
	rm, err := rt.remarkCall(memo)
	if err != nil {
		return nil, err
	}
	return rt.batch.encode(rt.lookup, [][]byte{tr, rm})
}

// upgradeSpec reads the spec version from a System.LastRuntimeUpgrade
// value: the version of the runtime that wrote it.
func (rt *runtime) upgradeSpec(raw []byte) (uint32, error) {
	f, err := decodeField(rt.lookup, rt.upgrade.value, raw, "spec_version")
	if err != nil {
		return 0, err
	}
	x, err := rt.lookup.uintOf(f)
	if err != nil {
		return 0, err
	}
	if !x.IsUint64() || x.Uint64() > 1<<32-1 {
		return 0, fmt.Errorf("%w: spec version %s", ErrDecode, x)
	}
	return uint32(x.Uint64()), nil
}
