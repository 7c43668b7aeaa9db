package blob

import (
	"container/list"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// Prefix starts every blob reference.
const Prefix = "sha256:"

// Errors of the store.
var (
	ErrNotFound   = errors.New("blob not found")
	ErrTooLarge   = errors.New("blob too large")
	ErrInvalidRef = errors.New("invalid blob reference")
	ErrCorrupt    = errors.New("blob content does not match its reference")
)

// Store keeps blobs as files named by their hash, with a bounded in-memory
// cache of recently read blobs so that hot modules are not read from disk
// for every task.
type Store struct {
	dir string

	mu       sync.Mutex
	cache    map[string]*list.Element
	lru      *list.List
	cached   int64
	maxCache int64
}

type entry struct {
	ref  string
	data []byte
}

// Open opens (creating it if needed) a store in dir that caches up to
// cacheBytes of blob content in memory.
func Open(dir string, cacheBytes int64) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("blob store: %w", err)
	}
	return &Store{dir: dir, cache: map[string]*list.Element{}, lru: list.New(), maxCache: cacheBytes}, nil
}

// Ref returns the reference of data.
func Ref(data []byte) string {
	sum := sha256.Sum256(data)
	return Prefix + hex.EncodeToString(sum[:])
}

// ValidRef reports whether ref is a well-formed blob reference.
func ValidRef(ref string) bool {
	h, ok := strings.CutPrefix(ref, Prefix)
	if !ok || len(h) != 64 {
		return false
	}
	for _, c := range h {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

func (s *Store) path(ref string) (string, error) {
	if !ValidRef(ref) {
		return "", fmt.Errorf("%q: %w", ref, ErrInvalidRef)
	}
	h := ref[len(Prefix):]
	return filepath.Join(s.dir, h[:2], h), nil
}

// Put stores at most max bytes read from r and returns the blob's reference
// and size. Reading more than max bytes fails with ErrTooLarge and stores
// nothing.
func (s *Store) Put(ctx context.Context, r io.Reader, max int64) (string, int64, error) {
	tmp, err := os.CreateTemp(s.dir, "put-*")
	if err != nil {
		return "", 0, fmt.Errorf("blob put: %w", err)
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), &ctxReader{ctx: ctx, r: io.LimitReader(r, max+1)})
	if err != nil {
		return "", 0, fmt.Errorf("blob put: %w", err)
	}
	if n > max {
		return "", 0, fmt.Errorf("blob exceeds %d bytes: %w", max, ErrTooLarge)
	}
	if err := tmp.Sync(); err != nil {
		return "", 0, fmt.Errorf("blob put: %w", err)
	}
	ref := Prefix + hex.EncodeToString(h.Sum(nil))
	p, _ := s.path(ref)
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return "", 0, fmt.Errorf("blob put: %w", err)
	}
	if err := os.Rename(tmp.Name(), p); err != nil {
		return "", 0, fmt.Errorf("blob put: %w", err)
	}
	return ref, n, nil
}

// PutBytes stores data, which must hash to ref when ref is not empty.
func (s *Store) PutBytes(ref string, data []byte) (string, error) {
	got := Ref(data)
	if ref != "" && ref != got {
		return "", fmt.Errorf("%s: %w", ref, ErrCorrupt)
	}
	if s.Has(got) {
		return got, nil
	}
	ref, _, err := s.Put(context.Background(), bytesReader(data), int64(len(data)))
	return ref, err
}

// Has reports whether the store holds ref.
func (s *Store) Has(ref string) bool {
	p, err := s.path(ref)
	if err != nil {
		return false
	}
	_, err = os.Stat(p)
	return err == nil
}

// Read returns the whole blob, from the memory cache when it is there. The
// content is checked against its reference when read from disk.
func (s *Store) Read(ref string) ([]byte, error) {
	s.mu.Lock()
	if el, ok := s.cache[ref]; ok {
		s.lru.MoveToFront(el)
		data := el.Value.(*entry).data
		s.mu.Unlock()
		return data, nil
	}
	s.mu.Unlock()
	p, err := s.path(ref)
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w", ref, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("blob read: %w", err)
	}
	if Ref(data) != ref {
		return nil, fmt.Errorf("%s: %w", ref, ErrCorrupt)
	}
	s.remember(ref, data)
	return data, nil
}

// Size returns the size of a stored blob.
func (s *Store) Size(ref string) (int64, error) {
	p, err := s.path(ref)
	if err != nil {
		return 0, err
	}
	fi, err := os.Stat(p)
	if errors.Is(err, os.ErrNotExist) {
		return 0, fmt.Errorf("%s: %w", ref, ErrNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("blob stat: %w", err)
	}
	return fi.Size(), nil
}

func (s *Store) remember(ref string, data []byte) {
	if int64(len(data)) > s.maxCache/4 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.cache[ref]; ok {
		return
	}
	s.cache[ref] = s.lru.PushFront(&entry{ref: ref, data: data})
	s.cached += int64(len(data))
	for s.cached > s.maxCache && s.lru.Len() > 0 {
		el := s.lru.Back()
		e := el.Value.(*entry)
		s.lru.Remove(el)
		delete(s.cache, e.ref)
		s.cached -= int64(len(e.data))
	}
}

type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

type byteReader struct {
	b []byte
}

func bytesReader(b []byte) *byteReader { return &byteReader{b: b} }

func (r *byteReader) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.b)
	r.b = r.b[n:]
	return n, nil
}
