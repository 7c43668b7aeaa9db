package blob

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestPutReadRoundTrip(t *testing.T) {
	s, err := Open(t.TempDir(), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	data := []byte("hello blob")
	ref, n, err := s.Put(context.Background(), bytes.NewReader(data), 100)
	if err != nil {
		t.Fatal(err)
	}
	if ref != Ref(data) || n != int64(len(data)) {
		t.Fatalf("got %s %d", ref, n)
	}
	got, err := s.Read(ref)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("read %q %v", got, err)
	}
	if !s.Has(ref) {
		t.Fatal("Has = false")
	}
}

func TestPutTooLargeStoresNothing(t *testing.T) {
	dir := t.TempDir()
	s, _ := Open(dir, 1<<20)
	_, _, err := s.Put(context.Background(), bytes.NewReader(make([]byte, 11)), 10)
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 0 {
		t.Fatalf("store kept %d entries", len(entries))
	}
}

func TestCorruptBlobIsRejected(t *testing.T) {
	dir := t.TempDir()
	s, _ := Open(dir, 0)
	ref, err := s.PutBytes("", []byte("original"))
	if err != nil {
		t.Fatal(err)
	}
	h := ref[len(Prefix):]
	if err := os.WriteFile(filepath.Join(dir, h[:2], h), []byte("tampered"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Read(ref); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("err = %v", err)
	}
	if _, err := s.PutBytes(ref, []byte("other")); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("PutBytes mismatched ref: %v", err)
	}
}

func TestInvalidRefs(t *testing.T) {
	s, _ := Open(t.TempDir(), 0)
	for _, ref := range []string{"", "sha256:", "sha256:../../etc/passwd", "md5:00", "sha256:" + string(bytes.Repeat([]byte("G"), 64))} {
		if _, err := s.Read(ref); !errors.Is(err, ErrInvalidRef) {
			t.Errorf("Read(%q) = %v", ref, err)
		}
	}
}
