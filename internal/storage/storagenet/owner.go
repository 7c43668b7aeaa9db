package storagenet

import (
	"context"
	"errors"
	"io"

	"github.com/opensky-network/opensky/internal/storage"
	"github.com/opensky-network/opensky/internal/storage/broker"
	"github.com/opensky-network/opensky/internal/storage/seal"
)

// Put stores size bytes read from r the way an owner does: encrypted on
// the fly under a fresh key while they stream to the broker. The key
// stays with the caller (a real owner wraps it to its account).
func Put(ctx context.Context, b *broker.Broker, r io.Reader, size int64, l storage.Layout) (*broker.Object, seal.Key, error) {
	key, err := seal.NewKey()
	if err != nil {
		return nil, key, err
	}
	pr, pw := io.Pipe()
	go func() {
		sw := seal.NewWriter(pw, key)
		_, err := io.Copy(sw, io.LimitReader(r, size))
		if err == nil {
			err = sw.Close()
		}
		_ = pw.CloseWithError(err)
	}()
	o, err := b.Put(ctx, broker.PutRequest{Size: size, Layout: l, WrappedKey: []byte("storagenet: kept by the caller")}, pr)
	_ = pr.CloseWithError(errors.New("storagenet: put ended"))
	return o, key, err
}

// Get reads object cid back, decrypts it with key and writes the
// plaintext to w, returning how many bytes it wrote. Only authenticated
// bytes reach w.
func Get(ctx context.Context, b *broker.Broker, cid string, key seal.Key, w io.Writer) (int64, error) {
	o, err := b.Object(cid, "")
	if err != nil {
		return 0, err
	}
	pr, pw := io.Pipe()
	go func() { _ = pw.CloseWithError(b.Get(ctx, cid, "", pw)) }()
	plain, err := seal.NewReader(pr, key, o.CipherLen)
	if err != nil {
		return 0, err
	}
	n, err := io.Copy(w, plain)
	_ = pr.CloseWithError(errors.New("storagenet: get ended"))
	return n, err
}
