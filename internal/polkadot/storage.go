package polkadot

import (
	"fmt"
	"math/big"

	"github.com/centrifuge/go-substrate-rpc-client/v4/types"
)

// maxStorageValue bounds a storage value the client decodes.
const maxStorageValue = 1 << 20

// fieldPath returns the type of the field at path inside the struct type
// id, checking the metadata only.
func (l typeLookup) fieldPath(id int64, path ...string) (int64, error) {
	for _, name := range path {
		t := l[id]
		if t == nil || !t.Def.IsComposite {
			return 0, fmt.Errorf("%w: type %d is not a struct with a field %q", ErrMetadata, id, name)
		}
		found := false
		for _, f := range t.Def.Composite.Fields {
			if string(f.Name) == name {
				id, found = f.Type.Int64(), true
				break
			}
		}
		if !found {
			return 0, fmt.Errorf("%w: %s has no field %q", ErrMetadata, typeName(t), name)
		}
	}
	return id, nil
}

// decodeField decodes raw as a whole value of type id and returns the
// field at path inside it.
func decodeField(l typeLookup, id int64, raw []byte, path ...string) (value, error) {
	if len(raw) > maxStorageValue {
		return value{}, fmt.Errorf("%w: storage value of %d bytes, limit %d", ErrDecode, len(raw), maxStorageValue)
	}
	r := newReader(l, raw)
	var out value
	found := false
	if err := r.find(id, path, 0, &out, &found); err != nil {
		return value{}, err
	}
	if err := r.end(); err != nil {
		return value{}, err
	}
	if !found {
		return value{}, fmt.Errorf("%w: no field %v in type %d", ErrMetadata, path, id)
	}
	return out, nil
}

// find consumes a value of type id, capturing the field at path.
func (r *reader) find(id int64, path []string, depth int, out *value, found *bool) error {
	if len(path) == 0 {
		raw, err := r.span(id, depth)
		*out, *found = value{name: "", typ: id, raw: raw}, err == nil
		return err
	}
	if err := r.step(depth); err != nil {
		return err
	}
	t, err := r.lookup(id)
	if err != nil {
		return err
	}
	if !t.Def.IsComposite {
		return fmt.Errorf("%w: %s is not a struct with a field %q", ErrMetadata, typeName(t), path[0])
	}
	for _, f := range t.Def.Composite.Fields {
		if string(f.Name) == path[0] && !*found {
			err = r.find(f.Type.Int64(), path[1:], depth+1, out, found)
		} else {
			err = r.skip(f.Type.Int64(), depth+1)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// accountLayout is where the nonce and the balance of an account are.
type accountLayout struct {
	lookup  typeLookup
	system  *storageEntry // System.Account: AccountInfo with nonce and data.free
	assets  *storageEntry // Assets.Account: (asset, account) -> balance; nil for the native asset
	assetID []byte        // SCALE-encoded asset ID, the first key of Assets.Account
}

// newAccountLayout finds the storage items for asset and checks their
// types.
func newAccountLayout(m *types.MetadataV14, asset Asset) (*accountLayout, error) {
	l := typeLookup(m.EfficientLookup)
	sys, err := findStorage(m, "System", "Account")
	if err != nil {
		return nil, err
	}
	if len(sys.keys) != 1 || !l.is32Bytes(sys.keys[0]) {
		return nil, fmt.Errorf("%w: System.Account is not keyed by a 32-byte account", ErrMetadata)
	}
	if _, err := l.fieldPath(sys.value, "nonce"); err != nil {
		return nil, fmt.Errorf("System.Account: %w", err)
	}
	if _, err := l.fieldPath(sys.value, "data", "free"); err != nil {
		return nil, fmt.Errorf("System.Account: %w", err)
	}
	a := &accountLayout{lookup: l, system: sys}
	if asset.Native {
		return a, nil
	}
	if a.assets, err = findStorage(m, "Assets", "Account"); err != nil {
		return nil, err
	}
	if len(a.assets.keys) != 2 || !l.is32Bytes(a.assets.keys[1]) {
		return nil, fmt.Errorf("%w: Assets.Account is not keyed by (asset, 32-byte account)", ErrMetadata)
	}
	if a.assetID, err = encodeArg(nil, l, a.assets.keys[0], asset.ID); err != nil {
		return nil, fmt.Errorf("Assets.Account key: %w", err)
	}
	if _, err := l.fieldPath(a.assets.value, "balance"); err != nil {
		return nil, fmt.Errorf("Assets.Account: %w", err)
	}
	return a, nil
}

// systemKey is the storage key of who's System.Account.
func (a *accountLayout) systemKey(who AccountID) ([]byte, error) { return a.system.key(who[:]) }

// balanceKey is the storage key that holds who's balance of the asset.
func (a *accountLayout) balanceKey(who AccountID) ([]byte, error) {
	if a.assets == nil {
		return a.systemKey(who)
	}
	return a.assets.key(a.assetID, who[:])
}

// balance decodes the value stored at balanceKey.
func (a *accountLayout) balance(raw []byte) (*big.Int, error) {
	var f value
	var err error
	if a.assets == nil {
		f, err = decodeField(a.lookup, a.system.value, raw, "data", "free")
	} else {
		f, err = decodeField(a.lookup, a.assets.value, raw, "balance")
	}
	if err != nil {
		return nil, err
	}
	return a.lookup.uintOf(f)
}

// nonce decodes the nonce of a System.Account value.
func (a *accountLayout) nonce(raw []byte) (uint64, error) {
	f, err := decodeField(a.lookup, a.system.value, raw, "nonce")
	if err != nil {
		return 0, err
	}
	n, err := a.lookup.uintOf(f)
	if err != nil {
		return 0, err
	}
	if !n.IsUint64() {
		return 0, fmt.Errorf("%w: nonce %s", ErrDecode, n)
	}
	return n.Uint64(), nil
}
