package auth

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// Signer is an account that signs: *identity.Account is one.
type Signer interface {
	// Address is the account's SS58 address.
	Address() string
	// Sign returns an sr25519 signature of msg.
	Sign(msg []byte) ([]byte, error)
}

// nonceBytes is the randomness of a nonce Sign makes.
const nonceBytes = 16

// Sign adds the headers of a signed request to req, made by s at now over
// the body whose hex SHA-256 is bodySHA256 (EmptySHA256 for none). The
// request's method, host and target must not change afterwards; each
// request needs a fresh signature (a fresh nonce).
func Sign(req *http.Request, s Signer, bodySHA256 string, now time.Time) error {
	var n [nonceBytes]byte
	_, _ = rand.Read(n[:]) // crypto/rand.Read never fails
	host := req.Host
	if host == "" {
		host = req.URL.Host
	}
	c := Canonical{
		Method:     req.Method,
		Host:       host,
		Target:     req.URL.RequestURI(),
		Account:    s.Address(),
		Timestamp:  now.Unix(),
		Nonce:      hex.EncodeToString(n[:]),
		BodySHA256: bodySHA256,
	}
	sig, err := s.Sign(c.Message())
	if err != nil {
		return fmt.Errorf("sign request: %w", err)
	}
	h := req.Header
	h.Set(HeaderAccount, c.Account)
	h.Set(HeaderTimestamp, strconv.FormatInt(c.Timestamp, 10))
	h.Set(HeaderNonce, c.Nonce)
	h.Set(HeaderContentSHA256, c.BodySHA256)
	h.Set(HeaderSignature, hex.EncodeToString(sig))
	return nil
}
