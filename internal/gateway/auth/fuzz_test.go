package auth

import (
	"errors"
	"net/http"
	"strings"
	"testing"
)

// FuzzParseCredentials feeds arbitrary header values to the parser: it
// never panics, refuses with ErrMalformed, and what it accepts is within
// the documented bounds and signs back into one canonical string per
// request.
func FuzzParseCredentials(f *testing.F) {
	tok, _, _ := newToken()
	f.Add(testAddr, "1800000000", testNonce, EmptySHA256, testSig, "")
	f.Add("", "", "", "", "", "Bearer "+tok)
	f.Add(testAddr, "01", "short", "ABC", "zz", "")
	f.Add(testAddr, "1800000000", testNonce+"\n", EmptySHA256, testSig, "Basic x")
	f.Add("", "", "", "", "", "Bearer osk_aaaaaaaaaaaaaaaa_"+strings.Repeat("A", 43))
	f.Fuzz(func(t *testing.T, account, ts, nonce, digest, sig, authz string) {
		h := http.Header{}
		for name, v := range map[string]string{
			HeaderAccount: account, HeaderTimestamp: ts, HeaderNonce: nonce,
			HeaderContentSHA256: digest, HeaderSignature: sig, "Authorization": authz,
		} {
			if v != "" {
				h.Set(name, v)
			}
		}
		c, err := ParseCredentials(h)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v does not wrap ErrMalformed", err)
			}
			return
		}
		switch c.Kind {
		case None:
			if len(h) != 0 {
				t.Fatalf("headers %v parsed as none", h)
			}
		case Bearer:
			if _, _, err := ParseToken(c.Token); err != nil {
				t.Fatalf("accepted bearer %q: %v", c.Token, err)
			}
		case Signed:
			if len(c.Signature) != signatureLen || !validNonce(c.Nonce) || !isLowerHex(c.BodySHA256, 64) ||
				c.Timestamp < 0 || len(c.Account) > maxAccountLen {
				t.Fatalf("accepted %+v", c)
			}
			msg := string(Canonical{Method: "GET", Host: "h", Target: "/", Account: c.Account, Timestamp: c.Timestamp, Nonce: c.Nonce, BodySHA256: c.BodySHA256}.Message())
			if strings.Count(msg, "\n") != 7 {
				t.Fatalf("canonical string of %+v has %d lines", c, strings.Count(msg, "\n")+1)
			}
		}
	})
}
