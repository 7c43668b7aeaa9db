package polkadot

import (
	"fmt"

	"github.com/centrifuge/go-substrate-rpc-client/v4/types"
	"github.com/centrifuge/go-substrate-rpc-client/v4/xxhash"
)

// storageEntry is a storage item of the runtime: where its keys start and
// the type of its values.
type storageEntry struct {
	name    string // "Pallet.Item", for messages
	prefix  []byte // twox128(pallet prefix) ++ twox128(item)
	hashers []types.StorageHasherV10
	keys    []int64 // the type of each key part
	value   int64   // the type of the value
}

// findStorage looks a storage item up in the metadata.
func findStorage(m *types.MetadataV14, pallet, item string) (*storageEntry, error) {
	for _, p := range m.Pallets {
		if string(p.Name) != pallet || !p.HasStorage {
			continue
		}
		for _, it := range p.Storage.Items {
			if string(it.Name) != item {
				continue
			}
			e := &storageEntry{name: pallet + "." + item}
			e.prefix = append(twox128([]byte(p.Storage.Prefix)), twox128([]byte(item))...)
			if it.Type.IsPlainType {
				e.value = it.Type.AsPlainType.Int64()
				return e, nil
			}
			mp := it.Type.AsMap
			e.hashers = mp.Hashers
			e.value = mp.Value.Int64()
			e.keys = []int64{mp.Key.Int64()}
			if len(mp.Hashers) > 1 {
				// The key type of an N-map is the tuple of its parts.
				kt := m.EfficientLookup[mp.Key.Int64()]
				if kt == nil || !kt.Def.IsTuple || len(kt.Def.Tuple) != len(mp.Hashers) {
					return nil, fmt.Errorf("%w: storage %s: key type does not match its %d hashers", ErrMetadata, e.name, len(mp.Hashers))
				}
				e.keys = e.keys[:0]
				for _, k := range kt.Def.Tuple {
					e.keys = append(e.keys, k.Int64())
				}
			}
			return e, nil
		}
	}
	return nil, fmt.Errorf("%w: the runtime has no storage item %s.%s", ErrMetadata, pallet, item)
}

// key returns the storage key for the given SCALE-encoded key parts.
func (e *storageEntry) key(parts ...[]byte) ([]byte, error) {
	if len(parts) != len(e.hashers) {
		return nil, fmt.Errorf("polkadot: storage %s takes %d keys, got %d", e.name, len(e.hashers), len(parts))
	}
	k := append([]byte{}, e.prefix...)
	for i, p := range parts {
		h, err := e.hashers[i].HashFunc()
		if err != nil {
			return nil, fmt.Errorf("%w: storage %s: %v", ErrMetadata, e.name, err)
		}
		h.Write(p)
		k = h.Sum(k)
	}
	return k, nil
}

func twox128(b []byte) []byte {
	h := xxhash.New128(nil)
	h.Write(b)
	return h.Sum(nil)
}
