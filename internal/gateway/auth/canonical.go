package auth

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
)

// Domain is the first line of every signed request's canonical string. It
// keeps a signature made for the API from being valid for anything else
// the same key signs (chain transactions sign a 32-byte digest), and names
// the version of this format.
const Domain = "opensky-api-request-v1"

// EmptySHA256 is the hex SHA-256 of an empty body.
var EmptySHA256 = BodySHA256(nil)

// BodySHA256 returns the hex SHA-256 of a body, the form the
// X-OpenSky-Content-SHA256 header and the canonical string use.
func BodySHA256(body []byte) string {
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}

// Canonical is what a signed request's signature covers.
type Canonical struct {
	Method string // e.g. "POST", as sent
	Host   string // the Host header, lowercased
	Target string // the request target: escaped path and "?query", as sent
	// Account is the X-OpenSky-Account header as sent.
	Account   string
	Timestamp int64 // Unix seconds
	Nonce     string
	// BodySHA256 is the hex SHA-256 of the body (EmptySHA256 without one).
	BodySHA256 string
}

// Message returns the canonical string: the fields, each on its own line,
// after Domain, with no trailing newline. No field can hold a newline (the
// parser and the HTTP request line refuse them), so the string splits back
// into exactly these fields.
func (c Canonical) Message() []byte {
	var b strings.Builder
	b.Grow(len(Domain) + len(c.Method) + len(c.Host) + len(c.Target) + len(c.Account) + len(c.Nonce) + len(c.BodySHA256) + 32)
	for i, f := range [...]string{
		Domain, c.Method, strings.ToLower(c.Host), c.Target, c.Account,
		strconv.FormatInt(c.Timestamp, 10), c.Nonce, c.BodySHA256,
	} {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(f)
	}
	return []byte(b.String())
}
