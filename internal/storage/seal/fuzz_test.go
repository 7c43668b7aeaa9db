package seal

import (
	"bytes"
	"io"
	"testing"

	"github.com/ipfs/go-cid"
	"github.com/multiformats/go-multihash"

	"github.com/opensky-network/opensky/internal/storage"
)

// fuzzChunk is the chunk size FuzzReader mostly uses, so that short
// inputs span several chunks.
const fuzzChunk = 16

// FuzzReader is the chunk decoder's fuzz target: any key, ciphertext and
// declared length must never panic, and whenever the reader returns the
// whole plaintext without error, sealing that plaintext again gives the
// same ciphertext.
func FuzzReader(f *testing.F) {
	key := testKey()
	for _, n := range []int{0, 1, fuzzChunk, 3*fuzzChunk + 2} {
		var ct bytes.Buffer
		w := newWriter(&ct, key, fuzzChunk)
		w.Write(bytes.Repeat([]byte{'p'}, n))
		w.Close()
		f.Add(key[:], ct.Bytes(), 0, false)
		f.Add(key[:], ct.Bytes(), 1, false)
	}
	var ct bytes.Buffer
	w := NewWriter(&ct, key)
	w.Write([]byte("one full-size chunk stream"))
	w.Close()
	f.Add(key[:], ct.Bytes(), 0, true)
	f.Add([]byte{}, []byte{}, -1, true)
	f.Fuzz(func(t *testing.T, k, ct []byte, delta int, full bool) {
		var key Key
		copy(key[:], k)
		chunk := fuzzChunk
		if full {
			chunk = ChunkSize
		}
		declared := int64(len(ct)) + int64(delta%64)
		r, err := newReader(bytes.NewReader(ct), key, declared, chunk)
		if err != nil {
			return
		}
		plain, err := io.ReadAll(r)
		if err != nil {
			return
		}
		if declared != int64(len(ct)) {
			t.Fatalf("read %d bytes as %d without error", len(ct), declared)
		}
		var again bytes.Buffer
		w := newWriter(&again, key, chunk)
		w.Write(plain)
		w.Close()
		if !bytes.Equal(again.Bytes(), ct) {
			t.Fatal("accepted a ciphertext that does not re-seal to itself")
		}
	})
}

// FuzzUnwrap gives UnwrapKey arbitrary bytes: it must never panic, and
// nothing but the one valid wrapped key opens.
func FuzzUnwrap(f *testing.F) {
	alice := account(f, "//Alice")
	var key Key
	copy(key[:], "fuzz-unwrap key, thirty-two byte")
	wrapped, err := WrapKey(alice.PublicKey(), key)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(wrapped)
	f.Add(make([]byte, WrappedKeySize))
	f.Add([]byte{})
	f.Add(bytes.Repeat([]byte{0xff}, WrappedKeySize))
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := UnwrapKey(alice, b)
		if err == nil && got != key {
			t.Fatal("opened a key nobody wrapped")
		}
		if err != nil && got != (Key{}) {
			t.Fatal("returned a key with an error")
		}
	})
}

// FuzzParseCID checks that ParseCID never panics and accepts only CIDs
// that storage.ShardID accepts too and that ObjectCID could have made.
func FuzzParseCID(f *testing.F) {
	f.Add(goldenCID)
	f.Add("")
	f.Add("b")
	f.Add("QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG")
	f.Add("BAFKREICVL4WGMNSNWETE4QUP3M7CRQUVH44MFRZJMJ6EC346WF3ONWL6IE")
	f.Fuzz(func(t *testing.T, s string) {
		if ParseCID(s) != nil {
			return
		}
		if err := (storage.ShardID{Object: s}).Validate(); err != nil {
			t.Fatalf("ParseCID accepted %q, ShardID refuses it: %v", s, err)
		}
		c, err := cid.Decode(s)
		if err != nil {
			t.Fatal(err)
		}
		dm, err := multihash.Decode(c.Hash())
		if err != nil {
			t.Fatal(err)
		}
		// Any sha2-256 digest is some header's: the CID has the form
		// ObjectCID gives.
		mh, _ := multihash.Encode(dm.Digest, multihash.SHA2_256)
		if cid.NewCidV1(cid.Raw, mh).String() != s {
			t.Fatalf("accepted %q, not in ObjectCID's form", s)
		}
	})
}
