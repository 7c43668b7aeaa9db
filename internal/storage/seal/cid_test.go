package seal

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/ipfs/go-cid"
	"github.com/multiformats/go-multibase"
	"github.com/multiformats/go-multihash"

	"github.com/opensky-network/opensky/internal/storage"
	"github.com/opensky-network/opensky/internal/storage/merkle"
)

// goldenCID is the CID of goldenPlaintext sealed under testKey; it
// changes only if the stream format, the chunk tree or the header does.
const goldenCID = "bafkreicvl4wgmnsnwete4qup3m7crquvh44mfrzjmj6ec346wf3onwl6ie"

// goldenPlaintext is ChunkSize+100 bytes: two chunks.
func goldenPlaintext() []byte {
	p := make([]byte, ChunkSize+100)
	for i := range p {
		p[i] = byte(i * 7)
	}
	return p
}

func TestGoldenCID(t *testing.T) {
	var ct bytes.Buffer
	w := NewWriter(&ct, testKey())
	w.Write(goldenPlaintext())
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	var h Hasher
	h.Write(ct.Bytes())
	got, err := h.Sum()
	if err != nil {
		t.Fatal(err)
	}
	if got != goldenCID {
		t.Fatalf("CID = %s, want %s", got, goldenCID)
	}
}

func TestHeaderLayout(t *testing.T) {
	var root storage.Hash
	for i := range root {
		root[i] = byte(0xa0 + i%16)
	}
	h := Header(0x0102030405060708, root)
	want := []byte("osky\x01\x00\x00\x00\x01\x02\x03\x04\x05\x06\x07\x08\x00\x10\x00\x00\x00\x00\x00\x00")
	want = append(want, root[:]...)
	if !bytes.Equal(h[:], want) {
		t.Fatalf("header = %x, want %x", h, want)
	}
	c, err := cid.Decode(ObjectCID(0x0102030405060708, root))
	if err != nil {
		t.Fatal(err)
	}
	dm, err := multihash.Decode(c.Hash())
	if err != nil {
		t.Fatal(err)
	}
	if sum := sha256.Sum256(want); !bytes.Equal(dm.Digest, sum[:]) {
		t.Fatal("the CID does not address the header block")
	}
}

func TestHasherIndependentOfWriteSizes(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	for _, n := range []int{0, 1, ChunkSize - 1, ChunkSize, ChunkSize + 1, 2*ChunkSize + 17} {
		ct := sealBytes(t, r, testKey(), randomBytes(r, n), ChunkSize)
		want := ObjectCID(int64(len(ct)), ChunkRoot(ct))
		for _, step := range []int{1 << 30, 1, 7, Overhead, ChunkSize + Overhead, ChunkSize + Overhead + 1, -1} {
			if step == 1 && len(ct) > 4096 {
				continue
			}
			var h Hasher
			for p := ct; len(p) > 0; {
				s := step
				if s < 0 {
					s = 1 + r.IntN(ChunkSize/3)
				}
				s = min(s, len(p))
				h.Write(p[:s])
				p = p[s:]
			}
			if h.Len() != int64(len(ct)) {
				t.Fatalf("Len = %d, want %d", h.Len(), len(ct))
			}
			got, err := h.Sum()
			if err != nil || got != want {
				t.Fatalf("n=%d step=%d: Sum = %s, %v; want %s", n, step, got, err, want)
			}
			if again, _ := h.Sum(); again != got {
				t.Fatal("second Sum differs")
			}
			if _, err := h.Write([]byte{1}); err == nil {
				t.Fatal("Write after Sum succeeded")
			}
		}
	}
}

func TestChunkLeaves(t *testing.T) {
	// The tree's leaves are the sealed chunks exactly.
	r := rand.New(rand.NewPCG(5, 5))
	ct := sealBytes(t, r, testKey(), randomBytes(r, ChunkSize+5), ChunkSize)
	s := ChunkSize + Overhead
	want := merkle.Root([]storage.Hash{merkle.Leaf(ct[:s]), merkle.Leaf(ct[s:])})
	if got := ChunkRoot(ct); got != want {
		t.Fatalf("ChunkRoot = %s, want %s", got, want)
	}
	var h Hasher
	h.Write(ct)
	got, _ := h.Sum()
	if got != ObjectCID(int64(len(ct)), want) {
		t.Fatal("Hasher does not name the chunk tree")
	}
}

func TestHasherRefusesImpossibleLength(t *testing.T) {
	for _, n := range []int{0, 5, ChunkSize + Overhead + 3} {
		var h Hasher
		h.Write(make([]byte, n))
		if _, err := h.Sum(); !errors.Is(err, ErrLength) {
			t.Errorf("%d bytes: err = %v, want ErrLength", n, err)
		}
	}
}

func TestCIDForms(t *testing.T) {
	var root storage.Hash
	root[0] = 1
	good := ObjectCID(CipherLen(12345), root)
	if err := ParseCID(good); err != nil {
		t.Fatalf("ParseCID(%s): %v", good, err)
	}
	if err := (storage.ShardID{Object: good, Index: 13}).Validate(); err != nil {
		t.Fatalf("ShardID refuses an object CID: %v", err)
	}
	if _, err := storage.ParseShardID(good + "/0"); err != nil {
		t.Fatalf("ParseShardID refuses an object CID: %v", err)
	}
	c, _ := cid.Decode(good)
	upper, _ := c.StringOfBase(multibase.Base32Upper)
	b58, _ := c.StringOfBase(multibase.Base58BTC)
	sum := sha256.Sum256([]byte("x"))
	mh, _ := multihash.Encode(sum[:], multihash.SHA2_256)
	dagpb := cid.NewCidV1(cid.DagProtobuf, mh).String()
	v0 := cid.NewCidV0(mh).String()
	mh512, _ := multihash.Sum([]byte("x"), multihash.SHA2_512, -1)
	sha512 := cid.NewCidV1(cid.Raw, mh512).String()
	mhShort, _ := multihash.Encode(sum[:20], multihash.SHA2_256)
	short := cid.NewCidV1(cid.Raw, mhShort).String()
	for name, s := range map[string]string{
		"empty": "", "upper": upper, "base58": b58, "dag-pb": dagpb, "v0": v0,
		"sha2-512": sha512, "truncated digest": short, "garbage": "bnotacid",
		"cut": good[:len(good)-3], "long": "b" + strings.Repeat("a", 200),
	} {
		if err := ParseCID(s); !errors.Is(err, ErrCID) {
			t.Errorf("%s %q: err = %v, want ErrCID", name, s, err)
		}
	}
}
