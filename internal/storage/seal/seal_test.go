package seal

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"errors"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/opensky-network/opensky/internal/storage"
)

// testKey is a fixed key, so that ciphertexts are reproducible.
func testKey() Key {
	var k Key
	for i := range k {
		k[i] = byte(i)
	}
	return k
}

func randomBytes(r *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// sealBytes seals plain with chunks of chunk bytes, writing it in random
// pieces.
func sealBytes(t testing.TB, r *rand.Rand, key Key, plain []byte, chunk int) []byte {
	t.Helper()
	var out bytes.Buffer
	w := newWriter(&out, key, chunk)
	for p := plain; len(p) > 0; {
		n := min(len(p), 1+r.IntN(3*chunk))
		if got, err := w.Write(p[:n]); err != nil || got != n {
			t.Fatalf("Write = %d, %v", got, err)
		}
		p = p[n:]
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// openBytes reads a ciphertext back with chunks of chunk bytes.
func openBytes(ct []byte, key Key, cipher int64, chunk int) ([]byte, error) {
	r, err := newReader(bytes.NewReader(ct), key, cipher, chunk)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	_, err = io.Copy(&out, r)
	return out.Bytes(), err
}

func TestRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	key, err := NewKey()
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{0, 1, ChunkSize - 1, ChunkSize, ChunkSize + 1, 3 * ChunkSize, r.IntN(4 * ChunkSize)} {
		plain := randomBytes(r, n)
		var ct bytes.Buffer
		w := NewWriter(&ct, key)
		if _, err := w.Write(plain); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if got, want := int64(ct.Len()), CipherLen(int64(n)); got != want {
			t.Fatalf("n=%d: ciphertext is %d bytes, CipherLen says %d", n, got, want)
		}
		if pl, err := PlainLen(int64(ct.Len())); err != nil || pl != int64(n) {
			t.Fatalf("n=%d: PlainLen = %d, %v", n, pl, err)
		}
		rd, err := NewReader(bytes.NewReader(ct.Bytes()), key, int64(ct.Len()))
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(rd)
		if err != nil {
			t.Fatalf("n=%d: %v", n, err)
		}
		if !bytes.Equal(got, plain) {
			t.Fatalf("n=%d: round trip differs", n)
		}
	}
}

func TestLengths(t *testing.T) {
	for _, tc := range []struct{ plain, cipher int64 }{
		{0, 16}, {1, 17}, {ChunkSize - 1, ChunkSize + 15}, {ChunkSize, ChunkSize + 16},
		{ChunkSize + 1, ChunkSize + 33}, {3 * ChunkSize, 3*ChunkSize + 48},
	} {
		if got := CipherLen(tc.plain); got != tc.cipher {
			t.Errorf("CipherLen(%d) = %d, want %d", tc.plain, got, tc.cipher)
		}
	}
	// With small chunks, every ciphertext length is either the image of
	// exactly one plaintext length or refused.
	const chunk = 8
	images := map[int64]int64{}
	for p := int64(0); p < 200; p++ {
		images[cipherLen(p, chunk)] = p
	}
	for c := int64(-3); c < cipherLen(199, chunk); c++ {
		p, err := plainLen(c, chunk)
		want, ok := images[c]
		switch {
		case ok && (err != nil || p != want):
			t.Fatalf("plainLen(%d) = %d, %v; want %d", c, p, err, want)
		case !ok && !errors.Is(err, ErrLength):
			t.Fatalf("plainLen(%d) = %d, %v; want ErrLength", c, p, err)
		}
	}
}

func TestEveryFlippedBitIsCaught(t *testing.T) {
	const chunk = 32
	r := rand.New(rand.NewPCG(2, 2))
	key := testKey()
	plain := randomBytes(r, 3*chunk+5)
	ct := sealBytes(t, r, key, plain, chunk)
	for i := range ct {
		bad := bytes.Clone(ct)
		bad[i] ^= 1 << (i % 8)
		got, err := openBytes(bad, key, int64(len(bad)), chunk)
		if !errors.Is(err, storage.ErrCorrupt) {
			t.Fatalf("flip at %d: err = %v, want ErrCorrupt", i, err)
		}
		// Only the chunks before the damaged one come out.
		damaged := i / (chunk + Overhead)
		if len(got) != damaged*chunk || !bytes.Equal(got, plain[:len(got)]) {
			t.Fatalf("flip at %d in chunk %d: got %d bytes of plaintext, want the %d before it", i, damaged, len(got), damaged*chunk)
		}
	}
}

func TestReorderTruncateExtend(t *testing.T) {
	const chunk = 16
	sealed := chunk + Overhead
	r := rand.New(rand.NewPCG(3, 3))
	key := testKey()
	plain := randomBytes(r, 4*chunk) // four full chunks, the last flagged
	ct := sealBytes(t, r, key, plain, chunk)
	if len(ct) != 4*sealed {
		t.Fatalf("ciphertext is %d bytes, want %d", len(ct), 4*sealed)
	}
	swapped := bytes.Clone(ct)
	copy(swapped[sealed:2*sealed], ct[2*sealed:3*sealed])
	copy(swapped[2*sealed:3*sealed], ct[sealed:2*sealed])
	if _, err := openBytes(swapped, key, int64(len(ct)), chunk); !errors.Is(err, storage.ErrCorrupt) {
		t.Errorf("swapped chunks: err = %v", err)
	}
	// Truncated to any length: as declared, it is short; as a length of
	// its own, the last flag is missing or the length impossible.
	for n := 0; n < len(ct); n++ {
		if _, err := openBytes(ct[:n], key, int64(len(ct)), chunk); !errors.Is(err, storage.ErrCorrupt) || !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Fatalf("truncated to %d: err = %v", n, err)
		}
		if _, err := openBytes(ct[:n], key, int64(n), chunk); err == nil {
			t.Fatalf("truncated to %d and declared so: no error", n)
		}
	}
	// Extended: trailing bytes after the declared length.
	for _, extra := range [][]byte{{0}, ct[:sealed]} {
		ext := append(bytes.Clone(ct), extra...)
		got, err := openBytes(ext, key, int64(len(ct)), chunk)
		if !errors.Is(err, storage.ErrCorrupt) {
			t.Errorf("extended by %d: err = %v", len(extra), err)
		}
		if len(got) != 3*chunk {
			t.Errorf("extended: last chunk came out (%d bytes)", len(got))
		}
		if _, err := openBytes(ext, key, int64(len(ext)), chunk); err == nil {
			t.Errorf("extended by %d and declared so: no error", len(extra))
		}
	}
	// A dropped chunk: the rest is shifted and fails.
	dropped := append(bytes.Clone(ct[:sealed]), ct[2*sealed:]...)
	if _, err := openBytes(dropped, key, int64(len(dropped)), chunk); !errors.Is(err, storage.ErrCorrupt) {
		t.Errorf("dropped chunk: err = %v", err)
	}
	// The wrong key.
	other := testKey()
	other[0] ^= 1
	if _, err := openBytes(ct, other, int64(len(ct)), chunk); !errors.Is(err, storage.ErrCorrupt) {
		t.Errorf("wrong key: err = %v", err)
	}
	if _, err := NewReader(bytes.NewReader(nil), key, 5); !errors.Is(err, ErrLength) {
		t.Errorf("impossible length: err = %v", err)
	}
}

// TestEmptyPlaintext pins the smallest stream: one empty last chunk.
func TestEmptyPlaintext(t *testing.T) {
	var ct bytes.Buffer
	w := NewWriter(&ct, testKey())
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if ct.Len() != Overhead {
		t.Fatalf("empty plaintext seals to %d bytes, want %d", ct.Len(), Overhead)
	}
	if err := w.Close(); err == nil {
		t.Fatal("second Close succeeded")
	}
	if _, err := w.Write([]byte{1}); err == nil {
		t.Fatal("Write after Close succeeded")
	}
}

type failWriter struct{ err error }

func (f failWriter) Write(p []byte) (int, error) { return 0, f.err }

func TestWriterError(t *testing.T) {
	boom := errors.New("boom")
	w := newWriter(failWriter{boom}, testKey(), 8)
	if _, err := w.Write(make([]byte, 8)); err != nil {
		t.Fatalf("first chunk is buffered, yet Write failed: %v", err)
	}
	if _, err := w.Write([]byte{1}); !errors.Is(err, boom) {
		t.Fatalf("Write = %v, want boom", err)
	}
	if err := w.Close(); !errors.Is(err, boom) {
		t.Fatalf("Close = %v, want boom", err)
	}
}

func TestWriterDoesNotAllocate(t *testing.T) {
	w := NewWriter(io.Discard, testKey())
	p := make([]byte, 64<<10)
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := w.Write(p); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Fatalf("Write allocates %.1f times per call", allocs)
	}
}

func TestKeyDoesNotPrint(t *testing.T) {
	k := testKey()
	for _, s := range []string{k.String(), k.GoString()} {
		if bytes.Contains([]byte(s), []byte{1, 2, 3}) || len(s) > 16 {
			t.Fatalf("key prints as %q", s)
		}
	}
	a, _ := NewKey()
	b, _ := NewKey()
	if a == b || a == (Key{}) {
		t.Fatal("NewKey is not random")
	}
}

func BenchmarkWriter(b *testing.B) {
	w := NewWriter(io.Discard, testKey())
	p := make([]byte, 256<<10)
	b.SetBytes(int64(len(p)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := w.Write(p); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReader(b *testing.B) {
	key := testKey()
	plain := make([]byte, 8*ChunkSize)
	var ct bytes.Buffer
	w := NewWriter(&ct, key)
	w.Write(plain)
	w.Close()
	buf := make([]byte, 256<<10)
	b.SetBytes(int64(len(plain)))
	b.ReportAllocs()
	for b.Loop() {
		r, err := NewReader(bytes.NewReader(ct.Bytes()), key, int64(ct.Len()))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.CopyBuffer(io.Discard, struct{ io.Reader }{r}, buf); err != nil {
			b.Fatal(err)
		}
	}
}

// TestStreamFormat opens a stream by hand, as the package doc describes
// it, with the standard library's AES-GCM.
func TestStreamFormat(t *testing.T) {
	key := testKey()
	plain := bytes.Repeat([]byte("format"), (ChunkSize+10)/6)
	var ct bytes.Buffer
	w := NewWriter(&ct, key)
	w.Write(plain)
	w.Close()
	block, _ := aes.NewCipher(key[:])
	gcm, _ := cipher.NewGCM(block)
	s := ChunkSize + Overhead
	nonce0 := []byte{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}
	nonce1 := []byte{0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1}
	aad := []byte("opensky/seal/chunk/1")
	p0, err := gcm.Open(nil, nonce0, ct.Bytes()[:s], aad)
	if err != nil {
		t.Fatalf("chunk 0: %v", err)
	}
	p1, err := gcm.Open(nil, nonce1, ct.Bytes()[s:], aad)
	if err != nil {
		t.Fatalf("chunk 1 (last): %v", err)
	}
	if !bytes.Equal(append(p0, p1...), plain) {
		t.Fatal("chunks opened by hand differ from the plaintext")
	}
}

// TestFlippedBitFullSize flips bits in a stream of real-size chunks.
func TestFlippedBitFullSize(t *testing.T) {
	r := rand.New(rand.NewPCG(6, 6))
	key := testKey()
	plain := randomBytes(r, 2*ChunkSize+100)
	ct := sealBytes(t, r, key, plain, ChunkSize)
	s := ChunkSize + Overhead
	for _, pos := range []int{0, s - 1, s, s + ChunkSize/2, 2 * s, len(ct) - 1} {
		bad := bytes.Clone(ct)
		bad[pos] ^= 0x04
		got, err := openBytes(bad, key, int64(len(bad)), ChunkSize)
		if !errors.Is(err, storage.ErrCorrupt) {
			t.Fatalf("flip at %d: err = %v", pos, err)
		}
		if want := pos / s * ChunkSize; len(got) != want || !bytes.Equal(got, plain[:want]) {
			t.Fatalf("flip at %d: %d bytes out, want %d", pos, len(got), want)
		}
	}
}
