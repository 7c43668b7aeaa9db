package broker

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/opensky-network/opensky/internal/storage"
	"github.com/opensky-network/opensky/internal/storage/erasure"
	"github.com/opensky-network/opensky/internal/storage/seal"
)

// Bounds on an upload's description.
const (
	MaxObjectBytes = 1 << 40 // plaintext
	MaxNameBytes   = 255
	MaxWrappedKey  = 256
	MaxDuration    = 10 * 365 * 24 * time.Hour
)

// PutRequest describes an upload; its ciphertext is the body.
type PutRequest struct {
	Owner string
	Name  string
	// Size is the plaintext's bytes; the body carries
	// seal.CipherLen(Size) bytes of ciphertext.
	Size int64
	// Layout is k+m (zero: the broker's default).
	Layout     storage.Layout
	WrappedKey []byte
	// Duration is how long the object is kept (0: until deleted).
	Duration time.Duration
	// Deal pays for the object on the chain (empty without a chain).
	Deal string
	// CID, when set, is what the uploader computed over its ciphertext;
	// an upload that hashes otherwise is refused and nothing is kept.
	CID string
	// Progress, when set, is told the ciphertext bytes received so far.
	Progress func(n int64)
}

func (r *PutRequest) validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrBadRequest, fmt.Sprintf(format, args...))
	}
	switch {
	case r.Size < 0 || r.Size > MaxObjectBytes:
		return bad("size %d out of range (at most %d bytes)", r.Size, int64(MaxObjectBytes))
	case len(r.WrappedKey) == 0 || len(r.WrappedKey) > MaxWrappedKey:
		return bad("the wrapped object key must be 1 to %d bytes", MaxWrappedKey)
	case len(r.Name) > MaxNameBytes:
		return bad("name longer than %d bytes", MaxNameBytes)
	case strings.IndexFunc(r.Name, unicode.IsControl) >= 0:
		return bad("name contains control characters")
	case r.Duration < 0 || r.Duration > MaxDuration:
		return bad("duration out of range (at most ten years)")
	}
	if r.CID != "" {
		if err := seal.ParseCID(r.CID); err != nil {
			return bad("declared CID: %v", err)
		}
	}
	if err := r.Layout.Validate(); err != nil {
		return bad("%v", err)
	}
	return nil
}

// Put uploads one object: it places the shards on k+m distinct providers,
// streams the body through the erasure coder to them, checks every
// provider's root against its own and the content's CID against the
// declared one, and records the object. Up to m shards that could not be
// stored are rebuilt on other providers in the background; more than
// that fails the upload and keeps nothing.
func (b *Broker) Put(ctx context.Context, req PutRequest, body io.Reader) (*Object, error) {
	if req.Layout == (storage.Layout{}) {
		req.Layout = b.cfg.Layout
	}
	if err := req.validate(); err != nil {
		return nil, err
	}
	l := req.Layout
	cipherLen := seal.CipherLen(req.Size)
	key, err := newObjectKey()
	if err != nil {
		return nil, err
	}
	o := &Object{
		Key: key, Owner: req.Owner, Name: req.Name, Size: req.Size, CipherLen: cipherLen,
		Layout: l, WrappedKey: req.WrappedKey, Deal: req.Deal, CreatedAt: time.Now().UTC(),
	}
	if req.Duration > 0 {
		o.ExpiresAt = o.CreatedAt.Add(req.Duration)
	}
	shardBytes := l.ShardSize(cipherLen)
	picked, err := b.choose(ctx, l.Shards(), shardBytes, nil)
	if err != nil {
		return nil, err
	}
	for i, c := range picked {
		o.Shards = append(o.Shards, Placement{
			Index: i, Peer: c.Peer, Account: c.Owner, State: ShardOK,
			PricePerGBMonth: c.Presence.Storage.PricePerGBMonth,
		})
	}
	if b.deals != nil && o.Deal != "" {
		if err := b.deals.Check(ctx, o); err != nil {
			return nil, err
		}
	}

	roots, failed, err := b.stream(ctx, o, body, req.Progress)
	if err != nil {
		b.deleteShards(o, nil)
		return nil, err
	}
	if len(failed) > l.Parity {
		b.deleteShards(o, failed)
		return nil, fmt.Errorf("storage: only %d of %d shards could be stored (at least %d needed): %w",
			l.Shards()-len(failed), l.Shards(), l.Shards()-l.Parity, errors.Join(values(failed)...))
	}
	for i := range o.Shards {
		o.Shards[i].Root = roots[i]
		if ferr, ok := failed[i]; ok {
			o.Shards[i].State, o.Shards[i].LastError = ShardLost, ferr.Error()
		}
	}
	if req.CID != "" && req.CID != o.CID {
		b.deleteShards(o, failed)
		return nil, fmt.Errorf("%w: the ciphertext hashes to %s, not to the declared %s", ErrBadRequest, o.CID, req.CID)
	}
	if old, err := b.db.get(o.CID); err == nil {
		// The same ciphertext again (a retried upload): keep the object
		// already recorded and drop the new copy.
		b.deleteShards(o, failed)
		return old, nil
	}
	if err := b.db.put(o); err != nil {
		b.deleteShards(o, failed)
		return nil, err
	}
	if b.deals != nil && o.Deal != "" {
		if err := b.deals.Assign(ctx, o); err != nil {
			b.log.Warn("assign the storage deal", "cid", o.CID, "deal", o.Deal, "err", err)
		}
	}
	b.log.Info("object stored", "cid", o.CID, "bytes", o.Size, "layout", l.String(), "failed", len(failed))
	if len(failed) > 0 {
		b.wg.Add(1)
		go func() {
			defer b.wg.Done()
			if _, err := b.Repair(b.ctx, o.CID); err != nil {
				b.log.Warn("repair after upload", "cid", o.CID, "err", err)
			}
		}()
	}
	return o, nil
}

// stream sends the body to the placements. It returns each shard's root
// as the encoder computed it and, by index, the shards that failed (their
// provider refused, broke off or answered with another root); err is for
// the upload as a whole (the body, the encoder, the content hash). It
// sets o.CID.
func (b *Broker) stream(ctx context.Context, o *Object, body io.Reader, progress func(int64)) ([]storage.Hash, map[int]error, error) {
	l := o.Layout
	n := l.Shards()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	writers := make([]io.Writer, n)
	uploads := make([]*shardUpload, n)
	for i := range n {
		info := storage.ShardInfo{ID: o.shardID(i), Pieces: l.Pieces(o.CipherLen)}
		uploads[i] = b.startUpload(ctx, o.Shards[i].Peer, info)
		writers[i] = uploads[i]
	}
	got := make([]storage.Hash, n)
	errs := make([]error, n)
	finish := func() {
		for i, u := range uploads {
			got[i], errs[i] = u.finish(nil)
		}
	}

	enc, err := erasure.NewEncoder(l, o.CipherLen, writers)
	if err != nil {
		cancel()
		finish()
		return nil, nil, err
	}
	h := new(seal.Hasher)
	if err := copyBody(io.MultiWriter(h, enc), body, o.CipherLen, progress); err != nil {
		cancel()
		finish()
		return nil, nil, err
	}
	if err := enc.Close(); err != nil {
		cancel()
		finish()
		return nil, nil, err
	}
	finish()
	cid, err := h.Sum()
	if err != nil {
		return nil, nil, err
	}
	o.CID = cid

	roots := enc.Roots()
	failed := map[int]error{}
	for i := range n {
		switch {
		case errs[i] != nil:
			failed[i] = fmt.Errorf("shard %d on %s: %w", i, short(o.Shards[i].Peer), errs[i])
		case got[i] != roots[i]:
			failed[i] = fmt.Errorf("shard %d on %s: %w: stored root %s, sent %s", i, short(o.Shards[i].Peer),
				storage.ErrCorrupt, got[i], roots[i])
		}
	}
	return roots, failed, nil
}

// copyBody copies exactly n bytes of body to w, reporting progress.
func copyBody(w io.Writer, body io.Reader, n int64, progress func(int64)) error {
	buf := make([]byte, 1<<20)
	var done int64
	for done < n {
		chunk := buf[:min(int64(len(buf)), n-done)]
		k, err := io.ReadFull(body, chunk)
		if k > 0 {
			if _, werr := w.Write(chunk[:k]); werr != nil {
				return werr
			}
			done += int64(k)
			if progress != nil {
				progress(done)
			}
		}
		if err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				return fmt.Errorf("%w: the body ended after %d of %d ciphertext bytes", ErrBadRequest, done, n)
			}
			return fmt.Errorf("storage: read the upload: %w", err)
		}
	}
	// A longer body is refused too: the declared size must be exact. The
	// body must also be read to its end, where a reader that checks it
	// (against a signed digest, say) reports a mismatch.
	var one [1]byte
	k, err := body.Read(one[:])
	for k == 0 && err == nil {
		k, err = body.Read(one[:])
	}
	switch {
	case k > 0:
		return fmt.Errorf("%w: the body is longer than the %d ciphertext bytes its size implies", ErrBadRequest, n)
	case !errors.Is(err, io.EOF):
		return fmt.Errorf("storage: read the upload: %w", err)
	}
	return nil
}

// softWriter turns a shard writer's failure into a recorded error, so
// that one provider breaking off does not stop the others; the upload
// decides afterwards whether enough shards were stored.
type softWriter struct {
	w   io.Writer
	err error
}

func (s *softWriter) Write(p []byte) (int, error) {
	if s.err != nil {
		return len(p), nil
	}
	if _, err := s.w.Write(p); err != nil {
		s.err = err
	}
	return len(p), nil
}

func (s *softWriter) fail(err error) { s.err = err }

// deleteShards removes o's shards from their providers, except those in
// skip (never stored), without waiting on the caller's context.
func (b *Broker) deleteShards(o *Object, skip map[int]error) {
	ctx, cancel := context.WithTimeout(b.ctx, b.cfg.Timeout)
	defer cancel()
	var wg sync.WaitGroup
	for _, p := range o.Shards {
		if _, ok := skip[p.Index]; ok {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			st, err := b.store(p.Peer)
			if err == nil {
				err = st.Delete(ctx, o.shardID(p.Index))
			}
			if err != nil {
				b.log.Debug("delete shard", "object", o.Key, "shard", p.Index, "peer", p.Peer, "err", err)
			}
		}()
	}
	wg.Wait()
}

func values(m map[int]error) []error {
	out := make([]error, 0, len(m))
	for _, i := range sortedKeys(m) {
		out = append(out, m[i])
	}
	return out
}

// sortedKeys returns the shard indices of m in increasing order.
func sortedKeys[V any](m map[int]V) []int {
	keys := make([]int, 0, len(m))
	for i := range m {
		keys = append(keys, i)
	}
	slices.Sort(keys)
	return keys
}

// newObjectKey returns a random name for an object's shards: "b" and 26
// base32 letters, the shape storage.ShardID expects.
func newObjectKey() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("storage: object key: %w", err)
	}
	enc := base32.StdEncoding.WithPadding(base32.NoPadding)
	return "b" + strings.ToLower(enc.EncodeToString(b[:])), nil
}
