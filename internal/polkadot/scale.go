package polkadot

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/centrifuge/go-substrate-rpc-client/v4/types"
)

// This file is a bounded SCALE reader driven by V14 metadata types. It
// reads bytes the node sent, so it trusts nothing in them: every length is
// checked against the bytes left, recursion is bounded, and the total work
// is bounded by the input's length. It allocates nothing in proportion to
// a length read from the input.

// ErrDecode marks bytes that do not decode as the metadata says they should.
var ErrDecode = errors.New("polkadot: malformed SCALE data")

// maxDepth bounds the nesting of types the reader follows.
const maxDepth = 64

// typeLookup resolves V14 type IDs.
type typeLookup map[int64]*types.Si1Type

// reader reads SCALE values of metadata types from buf.
type reader struct {
	types  typeLookup
	buf    []byte
	off    int
	budget int // steps left; a step is one type visited
}

func newReader(lookup typeLookup, buf []byte) *reader {
	return &reader{types: lookup, buf: buf, budget: 16*len(buf) + 4096}
}

func (r *reader) left() int { return len(r.buf) - r.off }

func (r *reader) errorf(format string, args ...any) error {
	return fmt.Errorf("%w at byte %d: %s", ErrDecode, r.off, fmt.Sprintf(format, args...))
}

// take consumes n bytes.
func (r *reader) take(n int) ([]byte, error) {
	if n < 0 || n > r.left() {
		return nil, r.errorf("want %d bytes, %d left", n, r.left())
	}
	b := r.buf[r.off : r.off+n]
	r.off += n
	return b, nil
}

func (r *reader) byte1() (byte, error) {
	b, err := r.take(1)
	if err != nil {
		return 0, err
	}
	return b[0], nil
}

// compact reads a SCALE compact integer of up to 128 bits.
func (r *reader) compact() (*big.Int, error) {
	b0, err := r.byte1()
	if err != nil {
		return nil, err
	}
	switch b0 & 3 {
	case 0:
		return big.NewInt(int64(b0 >> 2)), nil
	case 1:
		b1, err := r.byte1()
		if err != nil {
			return nil, err
		}
		return big.NewInt(int64(binary.LittleEndian.Uint16([]byte{b0, b1}) >> 2)), nil
	case 2:
		b, err := r.take(3)
		if err != nil {
			return nil, err
		}
		return big.NewInt(int64(binary.LittleEndian.Uint32([]byte{b0, b[0], b[1], b[2]}) >> 2)), nil
	}
	n := int(b0>>2) + 4
	if n > 16 {
		return nil, r.errorf("compact integer of %d bytes is over 128 bits", n)
	}
	b, err := r.take(n)
	if err != nil {
		return nil, err
	}
	return leUint(b), nil
}

// compactLen reads a compact length and checks that at least that many
// bytes are left: every element the reader meets takes at least one byte.
func (r *reader) compactLen() (int, error) {
	v, err := r.compact()
	if err != nil {
		return 0, err
	}
	if !v.IsUint64() || v.Uint64() > uint64(r.left()) {
		return 0, r.errorf("length %s is more than the %d bytes left", v, r.left())
	}
	return int(v.Uint64()), nil
}

// leUint reads an unsigned little-endian integer.
func leUint(b []byte) *big.Int {
	be := make([]byte, len(b))
	for i, c := range b {
		be[len(b)-1-i] = c
	}
	return new(big.Int).SetBytes(be)
}

// primitiveSize is the encoded size of fixed-size primitives.
var primitiveSize = map[types.Si0TypeDefPrimitive]int{
	types.IsBool: 1, types.IsChar: 4,
	types.IsU8: 1, types.IsU16: 2, types.IsU32: 4, types.IsU64: 8, types.IsU128: 16, types.IsU256: 32,
	types.IsI8: 1, types.IsI16: 2, types.IsI32: 4, types.IsI64: 8, types.IsI128: 16, types.IsI256: 32,
}

// lookup returns the type with the given ID.
func (r *reader) lookup(id int64) (*types.Si1Type, error) {
	t := r.types[id]
	if t == nil {
		return nil, fmt.Errorf("%w: type %d is not in the metadata", ErrMetadata, id)
	}
	return t, nil
}

// step charges one unit of work and checks the depth.
func (r *reader) step(depth int) error {
	r.budget--
	if r.budget < 0 {
		return r.errorf("too much work for %d bytes of input", len(r.buf))
	}
	if depth > maxDepth {
		return r.errorf("types nested more than %d deep", maxDepth)
	}
	return nil
}

// skip consumes one value of type id.
func (r *reader) skip(id int64, depth int) error {
	if err := r.step(depth); err != nil {
		return err
	}
	t, err := r.lookup(id)
	if err != nil {
		return err
	}
	d := &t.Def
	switch {
	case d.IsPrimitive:
		p := d.Primitive.Si0TypeDefPrimitive
		if p == types.IsStr {
			n, err := r.compactLen()
			if err != nil {
				return err
			}
			_, err = r.take(n)
			return err
		}
		n, ok := primitiveSize[p]
		if !ok {
			return fmt.Errorf("%w: type %d: unknown primitive %d", ErrMetadata, id, p)
		}
		b, err := r.take(n)
		if err != nil {
			return err
		}
		if p == types.IsBool && b[0] > 1 {
			return r.errorf("bool byte %d", b[0])
		}
		return nil
	case d.IsCompact:
		_, err := r.compact()
		return err
	case d.IsComposite:
		for _, f := range d.Composite.Fields {
			if err := r.skip(f.Type.Int64(), depth+1); err != nil {
				return err
			}
		}
		return nil
	case d.IsVariant:
		v, err := r.variant(t)
		if err != nil {
			return err
		}
		for _, f := range v.Fields {
			if err := r.skip(f.Type.Int64(), depth+1); err != nil {
				return err
			}
		}
		return nil
	case d.IsSequence:
		n, err := r.compactLen()
		if err != nil {
			return err
		}
		return r.repeat(d.Sequence.Type.Int64(), n, depth)
	case d.IsArray:
		return r.repeat(d.Array.Type.Int64(), int(d.Array.Len), depth)
	case d.IsTuple:
		for _, e := range d.Tuple {
			if err := r.skip(e.Int64(), depth+1); err != nil {
				return err
			}
		}
		return nil
	case d.IsBitSequence:
		return r.skipBits(d.BitSequence.BitStoreType.Int64())
	}
	return fmt.Errorf("%w: type %d has a kind the reader does not know", ErrMetadata, id)
}

// repeat consumes n values of type elem, reading byte arrays in one step.
func (r *reader) repeat(elem int64, n, depth int) error {
	if t, err := r.lookup(elem); err == nil && t.Def.IsPrimitive && t.Def.Primitive.Si0TypeDefPrimitive == types.IsU8 {
		_, err := r.take(n)
		return err
	}
	for i := 0; i < n; i++ {
		if err := r.skip(elem, depth+1); err != nil {
			return err
		}
	}
	return nil
}

// skipBits consumes a BitVec whose store is the primitive type store.
func (r *reader) skipBits(store int64) error {
	t, err := r.lookup(store)
	if err != nil {
		return err
	}
	size := 0
	if t.Def.IsPrimitive {
		switch t.Def.Primitive.Si0TypeDefPrimitive {
		case types.IsU8:
			size = 1
		case types.IsU16:
			size = 2
		case types.IsU32:
			size = 4
		case types.IsU64:
			size = 8
		}
	}
	if size == 0 {
		return fmt.Errorf("%w: bit sequence store type %d is not u8..u64", ErrMetadata, store)
	}
	bits, err := r.compact()
	if err != nil {
		return err
	}
	if !bits.IsUint64() || bits.Uint64() > 8*uint64(r.left()) {
		return r.errorf("bit sequence of %s bits is longer than the input", bits)
	}
	words := (bits.Uint64() + uint64(8*size) - 1) / uint64(8*size)
	_, err = r.take(int(words) * size)
	return err
}

// variant reads a variant index and returns the variant of t it selects.
func (r *reader) variant(t *types.Si1Type) (*types.Si1Variant, error) {
	b, err := r.byte1()
	if err != nil {
		return nil, err
	}
	for i := range t.Def.Variant.Variants {
		if v := &t.Def.Variant.Variants[i]; byte(v.Index) == b {
			return v, nil
		}
	}
	return nil, r.errorf("variant %d is not one of %s", b, typeName(t))
}

// span consumes one value of type id and returns its bytes.
func (r *reader) span(id int64, depth int) ([]byte, error) {
	start := r.off
	if err := r.skip(id, depth); err != nil {
		return nil, err
	}
	return r.buf[start:r.off], nil
}

// value is one decoded field: its type and its bytes.
type value struct {
	name string
	typ  int64
	raw  []byte
}

// fields consumes the fields of a composite or of a variant's case and
// returns each one's bytes.
func (r *reader) fields(fs []types.Si1Field, depth int) ([]value, error) {
	out := make([]value, 0, len(fs))
	for _, f := range fs {
		raw, err := r.span(f.Type.Int64(), depth+1)
		if err != nil {
			return nil, err
		}
		out = append(out, value{name: string(f.Name), typ: f.Type.Int64(), raw: raw})
	}
	return out, nil
}

// end checks that every byte was read.
func (r *reader) end() error {
	if r.left() != 0 {
		return r.errorf("%d bytes left over", r.left())
	}
	return nil
}

// typeName is a type's path, for error messages.
func typeName(t *types.Si1Type) string {
	if len(t.Path) == 0 {
		return "an anonymous type"
	}
	parts := make([]string, len(t.Path))
	for i, p := range t.Path {
		parts[i] = string(p)
	}
	return strings.Join(parts, "::")
}

// unwrap follows single-field composites (newtypes such as AccountId32 or
// H256) to the type they wrap.
func (l typeLookup) unwrap(id int64) (int64, *types.Si1Type, error) {
	for i := 0; i <= maxDepth; i++ {
		t := l[id]
		if t == nil {
			return 0, nil, fmt.Errorf("%w: type %d is not in the metadata", ErrMetadata, id)
		}
		if !t.Def.IsComposite || len(t.Def.Composite.Fields) != 1 {
			return id, t, nil
		}
		id = t.Def.Composite.Fields[0].Type.Int64()
	}
	return 0, nil, fmt.Errorf("%w: type %d wraps itself", ErrMetadata, id)
}

// is32Bytes reports whether values of type id are 32 raw bytes: [u8; 32]
// or a newtype of it (AccountId32, H256).
func (l typeLookup) is32Bytes(id int64) bool {
	_, t, err := l.unwrap(id)
	if err != nil || !t.Def.IsArray || t.Def.Array.Len != 32 {
		return false
	}
	e := l[t.Def.Array.Type.Int64()]
	return e != nil && e.Def.IsPrimitive && e.Def.Primitive.Si0TypeDefPrimitive == types.IsU8
}

// uintOf interprets v as an unsigned integer: a u8..u128 primitive, a
// compact, or a newtype of either.
func (l typeLookup) uintOf(v value) (*big.Int, error) {
	id, t, err := l.unwrap(v.typ)
	if err != nil {
		return nil, err
	}
	switch {
	case t.Def.IsCompact:
		r := newReader(l, v.raw)
		n, err := r.compact()
		if err != nil {
			return nil, err
		}
		return n, r.end()
	case t.Def.IsPrimitive:
		switch t.Def.Primitive.Si0TypeDefPrimitive {
		case types.IsU8, types.IsU16, types.IsU32, types.IsU64, types.IsU128:
			return leUint(v.raw), nil
		}
	}
	return nil, fmt.Errorf("%w: field %s has type %d (%s), not an unsigned integer", ErrMetadata, v.name, id, typeName(t))
}

// bytes32Of interprets v as 32 raw bytes.
func (l typeLookup) bytes32Of(v value) ([32]byte, error) {
	var out [32]byte
	if !l.is32Bytes(v.typ) || len(v.raw) != 32 {
		return out, fmt.Errorf("%w: field %s (type %d) is not 32 bytes", ErrMetadata, v.name, v.typ)
	}
	copy(out[:], v.raw)
	return out, nil
}
