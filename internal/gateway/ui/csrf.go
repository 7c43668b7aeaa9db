package ui

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// A form that changes state (the submit form) is protected twice against
// cross-site request forgery:
//
//   - the request must come from this origin: Sec-Fetch-Site, when the
//     browser sends it, must be same-origin, and the Origin header (or,
//     without one, the Referer) must name this host;
//   - the form must carry a token the gateway minted when it drew the
//     form: a timestamp and a random nonce, authenticated with a key that
//     lives only in this process. Another site can neither read nor forge
//     one, and one goes stale after tokenTTL.

// tokenTTL is how long a drawn form can be sent.
const tokenTTL = 12 * time.Hour

// tokenSkew tolerates a token minted slightly "in the future".
const tokenSkew = time.Minute

// tokenField is the name of the form's hidden token field.
const tokenField = "csrf_token"

const (
	tokenNonceLen = 16
	tokenMACLen   = sha256.Size
	tokenLen      = 8 + tokenNonceLen + tokenMACLen
)

// formTokens mints and checks form tokens.
type formTokens struct {
	key []byte
}

// newFormTokens returns a minter with a fresh random key: tokens of a
// previous run of the gateway are not accepted.
func newFormTokens() *formTokens {
	key := make([]byte, 32)
	_, _ = rand.Read(key) // crypto/rand.Read never fails
	return &formTokens{key: key}
}

// mint returns a new token stamped now.
func (f *formTokens) mint(now time.Time) string {
	b := make([]byte, 8+tokenNonceLen, tokenLen)
	binary.BigEndian.PutUint64(b, uint64(now.Unix()))
	_, _ = rand.Read(b[8:])
	b = f.sign(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// sign appends the MAC of msg to msg.
func (f *formTokens) sign(msg []byte) []byte {
	m := hmac.New(sha256.New, f.key)
	m.Write(msg)
	return m.Sum(msg)
}

// valid reports whether tok was minted by f no more than tokenTTL before now.
func (f *formTokens) valid(tok string, now time.Time) bool {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil || len(b) != tokenLen {
		return false
	}
	msg := b[:8+tokenNonceLen]
	if !hmac.Equal(f.sign(append([]byte(nil), msg...)), b) {
		return false
	}
	minted := time.Unix(int64(binary.BigEndian.Uint64(msg)), 0)
	return !minted.After(now.Add(tokenSkew)) && now.Sub(minted) <= tokenTTL
}

// sameOrigin reports whether a browser sent r from a page of this host.
// A request that names no origin at all is refused: every browser sends
// Origin (or at least Referer) with a form's POST.
func sameOrigin(r *http.Request) bool {
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" {
		return false
	}
	src := r.Header.Get("Origin")
	if src == "" {
		src = r.Header.Get("Referer")
	}
	if src == "" || src == "null" {
		return false
	}
	u, err := url.Parse(src)
	if err != nil || u.Host == "" {
		return false
	}
	switch u.Scheme {
	case "https":
	case "http":
		if r.TLS != nil {
			return false // a plain-HTTP page posting to the TLS gateway
		}
	default:
		return false
	}
	return strings.EqualFold(u.Host, r.Host)
}
