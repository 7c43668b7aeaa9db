package gateway

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"net/http"

	"github.com/opensky-network/opensky/internal/gateway/auth"
)

// maxCheckedBody is the largest body of a signed request that is read and
// checked against its signed digest before the handler runs. A larger one
// is checked as the handler reads it: the read that reaches its end fails
// with auth.ErrBodyMismatch when it does not match, so a handler taking
// large bodies must read them to the end before acting on them (the blob
// store does: it keeps an upload only once it is whole).
const maxCheckedBody = 1 << 20

// checkBody holds r's body to the signed digest want. It returns r with a
// body that replays what was read, or an error wrapping
// auth.ErrBodyMismatch (or a read error as a bad request).
func checkBody(r *http.Request, want string) (*http.Request, error) {
	if r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 {
		if want != auth.EmptySHA256 {
			return r, fmt.Errorf("%w: the request has no body", auth.ErrBodyMismatch)
		}
		return r, nil
	}
	orig := r.Body
	var head []byte
	if r.ContentLength <= maxCheckedBody {
		var err error
		head, err = io.ReadAll(io.LimitReader(orig, maxCheckedBody+1))
		if err != nil {
			return r, badRequestf("cannot read the request body: %v", err)
		}
		if len(head) <= maxCheckedBody {
			if auth.BodySHA256(head) != want {
				return r, auth.ErrBodyMismatch
			}
			r.Body = io.NopCloser(bytes.NewReader(head))
			return r, nil
		}
	}
	r.Body = &checkedBody{r: io.MultiReader(bytes.NewReader(head), orig), c: orig, h: sha256.New(), want: want}
	return r, nil
}

// checkedBody hashes a body as it is read and fails the read that reaches
// its end when the hash is not the signed one.
type checkedBody struct {
	r    io.Reader
	c    io.Closer
	h    hash.Hash
	want string
	err  error // the mismatch, once found
}

func (b *checkedBody) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	n, err := b.r.Read(p)
	b.h.Write(p[:n])
	if err == io.EOF && hex.EncodeToString(b.h.Sum(nil)) != b.want {
		b.err = auth.ErrBodyMismatch
		return n, b.err
	}
	return n, err
}

func (b *checkedBody) Close() error {
	return b.c.Close()
}
