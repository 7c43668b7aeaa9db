package polkadot

import (
	"testing"

	"github.com/centrifuge/go-substrate-rpc-client/v4/types"
)

// decodedExtrinsic is a signed extrinsic read back with the metadata.
type decodedExtrinsic struct {
	signer [32]byte
	sig    []byte
	extras map[string][]byte // each signed extension's extra bytes
	extra  []byte            // all of them, in order
	call   []byte
	calls  decodedCall
}

// readExtrinsic reads a signed extrinsic the way a node does: the length,
// the version, the address and the signature as the extrinsic type's
// parameters declare them, each signed extension's extra as its declared
// type, and the call by its indices and declared argument types; every
// byte must be consumed.
func readExtrinsic(t *testing.T, meta *types.Metadata, xt []byte) decodedExtrinsic {
	t.Helper()
	m := &meta.AsMetadataV14
	l := typeLookup(m.EfficientLookup)
	params := map[string]int64{}
	for _, p := range l[m.Extrinsic.Type.Int64()].Params {
		if p.HasType {
			params[string(p.Name)] = p.Type.Int64()
		}
	}
	r := newReader(l, xt)
	n, err := r.compactLen()
	if err != nil || n != r.left() {
		t.Fatalf("length prefix %d (%v), %d bytes follow", n, err, r.left())
	}
	if v, _ := r.byte1(); v != 0x84 {
		t.Fatalf("version byte %#x, want 0x84 (signed, v4)", v)
	}
	var d decodedExtrinsic
	addr, err := r.span(params["Address"], 0)
	if err != nil || len(addr) != 33 || addr[0] != 0 {
		t.Fatalf("address %x (%v), want MultiAddress::Id", addr, err)
	}
	copy(d.signer[:], addr[1:])
	sig, err := r.span(params["Signature"], 0)
	if err != nil || len(sig) != 65 || sig[0] != 1 {
		t.Fatalf("signature %x (%v), want MultiSignature::Sr25519", sig, err)
	}
	d.sig = sig[1:]
	d.extras = map[string][]byte{}
	for _, se := range m.Extrinsic.SignedExtensions {
		b, err := r.span(se.Type.Int64(), 0)
		if err != nil {
			t.Fatalf("extra of %s: %v", se.Identifier, err)
		}
		d.extras[string(se.Identifier)] = b
		d.extra = append(d.extra, b...)
	}
	d.call = xt[r.off:]
	// The call as the runtime's call type, to the last byte.
	if err := r.skip(params["Call"], 0); err != nil {
		t.Fatalf("call: %v", err)
	}
	if err := r.end(); err != nil {
		t.Fatal(err)
	}
	d.calls = readCall(t, m, d.call)
	return d
}

// decodedCall is a call with its arguments' bytes; a batch's calls are
// read too.
type decodedCall struct {
	name  string
	args  map[string][]byte
	inner []decodedCall // of Utility.batch_all
}

// readCall reads a call by its pallet and call indices, each argument as
// its declared type.
func readCall(t *testing.T, m *types.MetadataV14, call []byte) decodedCall {
	t.Helper()
	l := typeLookup(m.EfficientLookup)
	r := newReader(l, call)
	c := readOneCall(t, m, r)
	if err := r.end(); err != nil {
		t.Fatal(err)
	}
	return c
}

func readOneCall(t *testing.T, m *types.MetadataV14, r *reader) decodedCall {
	t.Helper()
	pi, err1 := r.byte1()
	ci, err2 := r.byte1()
	if err1 != nil || err2 != nil {
		t.Fatal("call index missing")
	}
	for _, p := range m.Pallets {
		if byte(p.Index) != pi || !p.HasCalls {
			continue
		}
		for _, v := range r.types[p.Calls.Type.Int64()].Def.Variant.Variants {
			if byte(v.Index) != ci {
				continue
			}
			c := decodedCall{name: string(p.Name) + "." + string(v.Name), args: map[string][]byte{}}
			for _, f := range v.Fields {
				if c.name == "Utility.batch_all" {
					n, err := r.compactLen()
					if err != nil {
						t.Fatal(err)
					}
					for i := 0; i < n; i++ {
						c.inner = append(c.inner, readOneCall(t, m, r))
					}
					continue
				}
				b, err := r.span(f.Type.Int64(), 0)
				if err != nil {
					t.Fatalf("%s argument %s: %v", c.name, f.Name, err)
				}
				c.args[string(f.Name)] = b
			}
			return c
		}
	}
	t.Fatalf("call index [%d, %d] is not in the metadata", pi, ci)
	return decodedCall{}
}

// recordingSigner signs with a fixed all-zero signature and keeps what it
// was asked to sign.
type recordingSigner struct {
	pub [32]byte
	msg []byte
}

func (s *recordingSigner) PublicKey() [32]byte { return s.pub }

func (s *recordingSigner) Sign(msg []byte) ([]byte, error) {
	s.msg = append([]byte{}, msg...)
	return make([]byte, 64), nil
}
