package polkadot

import (
	"encoding/binary"
	"fmt"
	"math/big"
	"math/bits"

	"github.com/centrifuge/go-substrate-rpc-client/v4/types"
)

// callInfo is a call of the runtime: its two index bytes and its
// arguments as the metadata declares them.
type callInfo struct {
	name  string // "Pallet.call"
	index [2]byte
	args  []types.Si1Field
}

// findCall looks a call up in the metadata.
func findCall(m *types.MetadataV14, pallet, call string) (*callInfo, error) {
	for _, p := range m.Pallets {
		if string(p.Name) != pallet {
			continue
		}
		if !p.HasCalls {
			return nil, fmt.Errorf("%w: pallet %s has no calls", ErrMetadata, pallet)
		}
		t := m.EfficientLookup[p.Calls.Type.Int64()]
		if t == nil || !t.Def.IsVariant {
			return nil, fmt.Errorf("%w: pallet %s: call type is not an enum", ErrMetadata, pallet)
		}
		for _, v := range t.Def.Variant.Variants {
			if string(v.Name) == call {
				return &callInfo{name: pallet + "." + call, index: [2]byte{byte(p.Index), byte(v.Index)}, args: v.Fields}, nil
			}
		}
		return nil, fmt.Errorf("%w: pallet %s has no call %s", ErrMetadata, pallet, call)
	}
	return nil, fmt.Errorf("%w: the runtime has no pallet %s (needed for %s.%s)", ErrMetadata, pallet, pallet, call)
}

// encode returns the call with its arguments, each encoded as its declared
// type requires. An argument is an AccountID, a *big.Int amount, a uint32
// asset ID, a []byte (Vec<u8>) or a [][]byte of encoded calls (Vec<Call>).
func (c *callInfo) encode(l typeLookup, args ...any) ([]byte, error) {
	if len(args) != len(c.args) {
		return nil, fmt.Errorf("%w: %s takes %d arguments, the client passes %d", ErrMetadata, c.name, len(c.args), len(args))
	}
	out := []byte{c.index[0], c.index[1]}
	for i, a := range args {
		var err error
		if out, err = encodeArg(out, l, c.args[i].Type.Int64(), a); err != nil {
			return nil, fmt.Errorf("%s argument %d (%s): %w", c.name, i, c.args[i].Name, err)
		}
	}
	return out, nil
}

// encodeArg appends v encoded as type id.
func encodeArg(out []byte, l typeLookup, id int64, v any) ([]byte, error) {
	id, t, err := l.unwrap(id)
	if err != nil {
		return nil, err
	}
	d := &t.Def
	switch v := v.(type) {
	case AccountID:
		if l.is32Bytes(id) {
			return append(out, v[:]...), nil
		}
		if d.IsVariant {
			// MultiAddress: the Id case holds the account.
			for _, c := range d.Variant.Variants {
				if string(c.Name) == "Id" && len(c.Fields) == 1 && l.is32Bytes(c.Fields[0].Type.Int64()) {
					return append(append(out, byte(c.Index)), v[:]...), nil
				}
			}
		}
	case *big.Int:
		if d.IsCompact {
			if inner := l[d.Compact.Type.Int64()]; inner != nil && inner.Def.IsPrimitive {
				return appendCompactBig(out, v, primitiveSize[inner.Def.Primitive.Si0TypeDefPrimitive])
			}
		}
		if d.IsPrimitive {
			switch p := d.Primitive.Si0TypeDefPrimitive; p {
			case types.IsU32, types.IsU64, types.IsU128:
				return appendUintLE(out, v, primitiveSize[p])
			}
		}
	case uint32:
		if d.IsCompact {
			return appendCompact(out, uint64(v)), nil
		}
		if d.IsPrimitive && d.Primitive.Si0TypeDefPrimitive == types.IsU32 {
			return binary.LittleEndian.AppendUint32(out, v), nil
		}
	case []byte:
		if e := l.elem(d); e != nil && e.Def.IsPrimitive && e.Def.Primitive.Si0TypeDefPrimitive == types.IsU8 {
			return append(appendCompact(out, uint64(len(v))), v...), nil
		}
	case [][]byte:
		if d.IsSequence {
			out = appendCompact(out, uint64(len(v)))
			for _, c := range v {
				out = append(out, c...)
			}
			return out, nil
		}
	default:
		return nil, fmt.Errorf("polkadot: cannot encode a %T", v)
	}
	return nil, fmt.Errorf("%w: cannot encode a %T as type %d (%s)", ErrMetadata, v, id, typeName(t))
}

// elem returns the element type of a sequence, or nil.
func (l typeLookup) elem(d *types.Si1TypeDef) *types.Si1Type {
	if !d.IsSequence {
		return nil
	}
	return l[d.Sequence.Type.Int64()]
}

// appendCompact appends v in SCALE compact form.
func appendCompact(out []byte, v uint64) []byte {
	switch {
	case v < 1<<6:
		return append(out, byte(v<<2))
	case v < 1<<14:
		return binary.LittleEndian.AppendUint16(out, uint16(v<<2|1))
	case v < 1<<30:
		return binary.LittleEndian.AppendUint32(out, uint32(v<<2|2))
	}
	n := (64 - bits.LeadingZeros64(v) + 7) / 8
	out = append(out, byte((n-4)<<2|3))
	for i := 0; i < n; i++ {
		out = append(out, byte(v>>(8*i)))
	}
	return out
}

// appendCompactBig appends a non-negative v of at most size bytes in
// compact form.
func appendCompactBig(out []byte, v *big.Int, size int) ([]byte, error) {
	if v.Sign() < 0 || size == 0 || v.BitLen() > 8*size {
		return nil, fmt.Errorf("polkadot: %s does not fit in %d unsigned bytes", v, size)
	}
	if v.IsUint64() {
		return appendCompact(out, v.Uint64()), nil
	}
	be := v.Bytes()
	out = append(out, byte((len(be)-4)<<2|3))
	for i := len(be) - 1; i >= 0; i-- {
		out = append(out, be[i])
	}
	return out, nil
}

// appendUintLE appends a non-negative v as a size-byte little-endian
// integer.
func appendUintLE(out []byte, v *big.Int, size int) ([]byte, error) {
	if v.Sign() < 0 || v.BitLen() > 8*size {
		return nil, fmt.Errorf("polkadot: %s does not fit in %d unsigned bytes", v, size)
	}
	be := v.FillBytes(make([]byte, size))
	for i := len(be) - 1; i >= 0; i-- {
		out = append(out, be[i])
	}
	return out, nil
}
