package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/opensky-network/opensky/internal/gateway/auth"
	"github.com/opensky-network/opensky/internal/identity"
)

// WithAccount signs every request with the account's key (see
// docs/api-auth.md). A nil account leaves requests unsigned.
func WithAccount(a *identity.Account) ClientOption {
	return func(c *Client) {
		c.auth.account = a
		c.auth.resolve = nil
	}
}

// WithAccountFunc signs every request with the account f returns, asked
// for on the first request and remembered; f may return nil to leave
// requests unsigned (a gateway that does not authenticate, say). Use it
// when finding the account is costly or interactive (a wallet's
// passphrase) and not every use of the client needs it. An error of f is
// the error of the request (and of the next ones, unless it was ctx's).
func WithAccountFunc(f func(ctx context.Context) (*identity.Account, error)) ClientOption {
	return func(c *Client) {
		c.auth.account = nil
		c.auth.resolve = f
	}
}

// WithToken sends an API token ("Authorization: Bearer ...") with every
// request, in place of a signature. An empty token sends none.
func WithToken(token string) ClientOption {
	return func(c *Client) { c.auth.token = token }
}

// clientAuth is how a Client authenticates its requests: a token, an
// account, or an account found on first use.
type clientAuth struct {
	token   string
	account *identity.Account
	resolve func(ctx context.Context) (*identity.Account, error)

	mu       sync.Mutex
	resolved bool
	err      error
}

// signer returns the account to sign with, nil for none. A token wins
// over an account.
func (a *clientAuth) signer(ctx context.Context) (*identity.Account, error) {
	if a.token != "" {
		return nil, nil
	}
	if a.resolve == nil {
		return a.account, nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.resolved {
		return a.account, a.err
	}
	acct, err := a.resolve(ctx)
	if err != nil && ctx.Err() != nil {
		return nil, err // not remembered: a later call may succeed
	}
	a.account, a.err, a.resolved = acct, err, true
	return acct, err
}

// apply adds the token or the signature headers to req.
func (a *clientAuth) apply(req *http.Request, signer *identity.Account, bodySum string) error {
	if a.token != "" {
		req.Header.Set("Authorization", "Bearer "+a.token)
		return nil
	}
	if signer == nil {
		return nil
	}
	return auth.Sign(req, signer, bodySum, time.Now())
}

// hashBody returns the hex SHA-256 of a request body and a body to send
// in its place, positioned where body was. A body that can seek is read
// once and rewound (a file is not held in memory); any other is read into
// memory.
func hashBody(body io.Reader) (io.Reader, string, error) {
	if body == nil {
		return nil, auth.EmptySHA256, nil
	}
	h := sha256.New()
	if s, ok := body.(io.ReadSeeker); ok {
		pos, err := s.Seek(0, io.SeekCurrent)
		if err == nil {
			if _, err := io.Copy(h, s); err != nil {
				return nil, "", fmt.Errorf("hash the request body: %w", err)
			}
			if _, err := s.Seek(pos, io.SeekStart); err != nil {
				return nil, "", fmt.Errorf("rewind the request body: %w", err)
			}
			return body, hex.EncodeToString(h.Sum(nil)), nil
		}
		// Not seekable after all (a pipe behind an *os.File): read it.
	}
	data, err := io.ReadAll(body)
	if err != nil {
		return nil, "", fmt.Errorf("read the request body: %w", err)
	}
	return bytes.NewReader(data), auth.BodySHA256(data), nil
}
