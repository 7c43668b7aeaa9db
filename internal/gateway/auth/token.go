package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"fmt"
	"strings"
)

// Form of an API token: TokenPrefix, a TokenIDLen-character ID, '_', and
// the secret, 32 random bytes in unpadded base64url.
const (
	TokenPrefix   = "osk_"
	TokenIDLen    = 16
	tokenSecret   = 32
	tokenSecretB  = 43 // base64url length of tokenSecret bytes
	tokenLen      = len(TokenPrefix) + TokenIDLen + 1 + tokenSecretB
	tokenIDBytes  = 10 // TokenIDLen characters of base32
	tokenHashSalt = "opensky-api-token-v1\n"
)

// idEncoding writes token IDs: lowercase base32 without padding.
var idEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// newToken returns a new token, its ID and the hash the store keeps.
func newToken() (token, id string, hash [32]byte) {
	var idb [tokenIDBytes]byte
	var secret [tokenSecret]byte
	_, _ = rand.Read(idb[:]) // crypto/rand.Read never fails
	_, _ = rand.Read(secret[:])
	id = idEncoding.EncodeToString(idb[:])
	token = TokenPrefix + id + "_" + base64.RawURLEncoding.EncodeToString(secret[:])
	return token, id, hashSecret(secret[:])
}

// ParseToken splits a token into its ID and secret, checking its form.
func ParseToken(token string) (id string, secret []byte, err error) {
	if len(token) != tokenLen || !strings.HasPrefix(token, TokenPrefix) {
		return "", nil, fmt.Errorf("%w: not an OpenSky API token", ErrInvalidToken)
	}
	rest := token[len(TokenPrefix):]
	id, sec := rest[:TokenIDLen], rest[TokenIDLen:]
	if !ValidTokenID(id) || sec[0] != '_' {
		return "", nil, fmt.Errorf("%w: not an OpenSky API token", ErrInvalidToken)
	}
	secret, err = base64.RawURLEncoding.Strict().DecodeString(sec[1:])
	if err != nil || len(secret) != tokenSecret {
		return "", nil, fmt.Errorf("%w: not an OpenSky API token", ErrInvalidToken)
	}
	return id, secret, nil
}

// ValidTokenID reports whether id has the form of a token ID.
func ValidTokenID(id string) bool {
	if len(id) != TokenIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= '2' && c <= '7') {
			return false
		}
	}
	return true
}

// hashSecret is what the store keeps of a token's secret. The secret is
// 32 random bytes, so a plain domain-separated SHA-256 cannot be reversed.
func hashSecret(secret []byte) [32]byte {
	h := sha256.New()
	h.Write([]byte(tokenHashSalt))
	h.Write(secret)
	var out [32]byte
	h.Sum(out[:0])
	return out
}
