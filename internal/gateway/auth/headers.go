package auth

import (
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// Headers of a signed request.
const (
	HeaderAccount       = "X-OpenSky-Account"
	HeaderTimestamp     = "X-OpenSky-Timestamp"
	HeaderNonce         = "X-OpenSky-Nonce"
	HeaderContentSHA256 = "X-OpenSky-Content-SHA256"
	HeaderSignature     = "X-OpenSky-Signature"
)

// Bounds of the header values.
const (
	// MinNonceLen and MaxNonceLen bound a nonce: 16 to 64 characters of
	// the base64url alphabet (letters, digits, '-' and '_').
	MinNonceLen = 16
	MaxNonceLen = 64
	// maxAccountLen bounds the address header; an SS58 address of a
	// 32-byte account is 47 or 48 characters.
	maxAccountLen = 64
	// maxTimestampLen bounds the timestamp header (an int64).
	maxTimestampLen = 19
	// signatureLen is an sr25519 signature's length in bytes.
	signatureLen = 64
)

// Kind is the kind of credentials a request carries.
type Kind int

// Kinds of credentials.
const (
	// None: no authentication header at all.
	None Kind = iota
	// Signed: the X-OpenSky-* headers of a signed request.
	Signed
	// Bearer: an API token in the Authorization header.
	Bearer
)

// Credentials are the authentication headers of a request, parsed and
// checked for form (not yet for validity).
type Credentials struct {
	Kind Kind
	// Of a signed request: the headers' values (Account and Nonce as
	// sent, Signature decoded).
	Account    string
	Timestamp  int64
	Nonce      string
	BodySHA256 string
	Signature  []byte
	// Token is the bearer token, checked for form by ParseToken.
	Token string
}

// signedHeaders are the headers that make a request a signed one.
var signedHeaders = []string{HeaderAccount, HeaderTimestamp, HeaderNonce, HeaderContentSHA256, HeaderSignature}

// ParseCredentials reads the authentication headers of h. A request with
// none has Kind None. Anything present but unusable is an error wrapping
// ErrMalformed: a signed request missing a header, a header sent twice,
// both a token and a signature, an Authorization scheme other than Bearer.
func ParseCredentials(h http.Header) (Credentials, error) {
	var c Credentials
	authz, err := single(h, "Authorization")
	if err != nil {
		return c, err
	}
	signed := false
	for _, name := range signedHeaders {
		if len(h.Values(name)) > 0 {
			signed = true
			break
		}
	}
	switch {
	case authz != "" && signed:
		return c, fmt.Errorf("%w: send either an Authorization header or a signature, not both", ErrMalformed)
	case authz != "":
		tok, err := parseBearer(authz)
		if err != nil {
			return c, err
		}
		return Credentials{Kind: Bearer, Token: tok}, nil
	case signed:
		return parseSigned(h)
	}
	return c, nil
}

// single returns the one value of header name, "" when absent; a header
// sent more than once is malformed.
func single(h http.Header, name string) (string, error) {
	vs := h.Values(name)
	switch len(vs) {
	case 0:
		return "", nil
	case 1:
		return vs[0], nil
	}
	return "", fmt.Errorf("%w: %s is sent %d times", ErrMalformed, name, len(vs))
}

// parseBearer returns the token of an "Authorization: Bearer <token>"
// value.
func parseBearer(v string) (string, error) {
	scheme, tok, ok := strings.Cut(v, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", fmt.Errorf("%w: the Authorization header must be \"Bearer <token>\"", ErrMalformed)
	}
	tok = strings.TrimSpace(tok)
	if _, _, err := ParseToken(tok); err != nil {
		return "", fmt.Errorf("%w: the bearer token is not an OpenSky API token", ErrMalformed)
	}
	return tok, nil
}

// parseSigned reads the headers of a signed request.
func parseSigned(h http.Header) (Credentials, error) {
	c := Credentials{Kind: Signed}
	vals := make(map[string]string, len(signedHeaders))
	for _, name := range signedHeaders {
		v, err := single(h, name)
		if err != nil {
			return Credentials{}, err
		}
		if v == "" && name != HeaderContentSHA256 {
			return Credentials{}, fmt.Errorf("%w: a signed request needs %s", ErrMalformed, name)
		}
		vals[name] = v
	}
	c.Account = vals[HeaderAccount]
	if len(c.Account) > maxAccountLen || !isBase58(c.Account) {
		return Credentials{}, fmt.Errorf("%w: %s is not an SS58 address", ErrMalformed, HeaderAccount)
	}
	ts, err := parseTimestamp(vals[HeaderTimestamp])
	if err != nil {
		return Credentials{}, err
	}
	c.Timestamp = ts
	c.Nonce = vals[HeaderNonce]
	if !validNonce(c.Nonce) {
		return Credentials{}, fmt.Errorf("%w: %s must be %d to %d characters of letters, digits, '-' and '_'", ErrMalformed, HeaderNonce, MinNonceLen, MaxNonceLen)
	}
	c.BodySHA256 = vals[HeaderContentSHA256]
	if c.BodySHA256 == "" {
		c.BodySHA256 = EmptySHA256
	} else if !isLowerHex(c.BodySHA256, 64) {
		return Credentials{}, fmt.Errorf("%w: %s must be 64 lowercase hex digits", ErrMalformed, HeaderContentSHA256)
	}
	sig := vals[HeaderSignature]
	if len(sig) != 2*signatureLen {
		return Credentials{}, fmt.Errorf("%w: %s must be %d hex digits", ErrMalformed, HeaderSignature, 2*signatureLen)
	}
	if c.Signature, err = hex.DecodeString(sig); err != nil {
		return Credentials{}, fmt.Errorf("%w: %s is not hex", ErrMalformed, HeaderSignature)
	}
	return c, nil
}

// parseTimestamp reads Unix seconds written as plain decimal digits,
// without sign or leading zeros.
func parseTimestamp(s string) (int64, error) {
	bad := fmt.Errorf("%w: %s must be Unix seconds in decimal", ErrMalformed, HeaderTimestamp)
	if s == "" || len(s) > maxTimestampLen || (len(s) > 1 && s[0] == '0') {
		return 0, bad
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, bad
		}
	}
	ts, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, bad
	}
	return ts, nil
}

// validNonce reports whether n is MinNonceLen to MaxNonceLen characters
// of the base64url alphabet.
func validNonce(n string) bool {
	if len(n) < MinNonceLen || len(n) > MaxNonceLen {
		return false
	}
	for i := 0; i < len(n); i++ {
		c := n[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// isBase58 reports whether s is non-empty and only base58 characters.
func isBase58(s string) bool {
	if s == "" {
		return false
	}
	const alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(alphabet, s[i]) < 0 {
			return false
		}
	}
	return true
}

// isLowerHex reports whether s is n lowercase hex digits.
func isLowerHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}
