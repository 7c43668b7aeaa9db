package auth

import (
	"errors"
	"net/http"
	"strings"
	"testing"
)

const (
	testAddr  = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"
	testNonce = "0123456789abcdef"
)

var testSig = strings.Repeat("ab", 64)

func signedHeader(mod func(h http.Header)) http.Header {
	h := http.Header{}
	h.Set(HeaderAccount, testAddr)
	h.Set(HeaderTimestamp, "1800000000")
	h.Set(HeaderNonce, testNonce)
	h.Set(HeaderContentSHA256, EmptySHA256)
	h.Set(HeaderSignature, testSig)
	if mod != nil {
		mod(h)
	}
	return h
}

func TestParseCredentials(t *testing.T) {
	tok, _, _ := newToken()
	ok := []struct {
		name string
		h    http.Header
		kind Kind
	}{
		{"none", http.Header{}, None},
		{"signed", signedHeader(nil), Signed},
		{"signed without body digest", signedHeader(func(h http.Header) { h.Del(HeaderContentSHA256) }), Signed},
		{"bearer", http.Header{"Authorization": {"Bearer " + tok}}, Bearer},
		{"bearer any case", http.Header{"Authorization": {"bearer " + tok}}, Bearer},
	}
	for _, c := range ok {
		got, err := ParseCredentials(c.h)
		if err != nil || got.Kind != c.kind {
			t.Errorf("%s: kind %v, %v; want %v", c.name, got.Kind, err, c.kind)
		}
	}
	got, _ := ParseCredentials(signedHeader(func(h http.Header) { h.Del(HeaderContentSHA256) }))
	if got.BodySHA256 != EmptySHA256 || got.Timestamp != 1800000000 || len(got.Signature) != 64 {
		t.Errorf("parsed %+v", got)
	}

	bad := map[string]http.Header{
		"no account":        signedHeader(func(h http.Header) { h.Del(HeaderAccount) }),
		"no signature":      signedHeader(func(h http.Header) { h.Del(HeaderSignature) }),
		"no nonce":          signedHeader(func(h http.Header) { h.Del(HeaderNonce) }),
		"no timestamp":      signedHeader(func(h http.Header) { h.Del(HeaderTimestamp) }),
		"only a digest":     header(HeaderContentSHA256, EmptySHA256),
		"account not b58":   signedHeader(func(h http.Header) { h.Set(HeaderAccount, "0x1234") }),
		"account too long":  signedHeader(func(h http.Header) { h.Set(HeaderAccount, strings.Repeat("5", 65)) }),
		"timestamp signed":  signedHeader(func(h http.Header) { h.Set(HeaderTimestamp, "+1800000000") }),
		"timestamp zero-ed": signedHeader(func(h http.Header) { h.Set(HeaderTimestamp, "01800000000") }),
		"timestamp huge":    signedHeader(func(h http.Header) { h.Set(HeaderTimestamp, "99999999999999999999") }),
		"timestamp float":   signedHeader(func(h http.Header) { h.Set(HeaderTimestamp, "1.5") }),
		"nonce short":       signedHeader(func(h http.Header) { h.Set(HeaderNonce, "abc") }),
		"nonce long":        signedHeader(func(h http.Header) { h.Set(HeaderNonce, strings.Repeat("a", 65)) }),
		"nonce newline":     signedHeader(func(h http.Header) { h.Set(HeaderNonce, testNonce+"\nx") }),
		"digest upper":      signedHeader(func(h http.Header) { h.Set(HeaderContentSHA256, strings.ToUpper(EmptySHA256)) }),
		"digest short":      signedHeader(func(h http.Header) { h.Set(HeaderContentSHA256, "abcd") }),
		"signature short":   signedHeader(func(h http.Header) { h.Set(HeaderSignature, "abcd") }),
		"signature not hex": signedHeader(func(h http.Header) { h.Set(HeaderSignature, strings.Repeat("zz", 64)) }),
		"twice":             signedHeader(func(h http.Header) { h.Add(HeaderNonce, testNonce) }),
		"both kinds":        signedHeader(func(h http.Header) { h.Set("Authorization", "Bearer x") }),
		"basic auth":        {"Authorization": {"Basic dXNlcjpwYXNz"}},
		"bearer junk":       {"Authorization": {"Bearer not-a-token"}},
		"bearer empty":      {"Authorization": {"Bearer"}},
		"two authz":         {"Authorization": {"Bearer " + tok, "Bearer " + tok}},
	}
	for name, h := range bad {
		if _, err := ParseCredentials(h); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: %v, want ErrMalformed", name, err)
		}
	}
}

// header is a header with one field set.
func header(name, value string) http.Header {
	h := http.Header{}
	h.Set(name, value)
	return h
}

func TestTokenForm(t *testing.T) {
	tok, id, hash := newToken()
	if len(tok) != tokenLen || !strings.HasPrefix(tok, TokenPrefix) {
		t.Fatalf("token %q", tok)
	}
	gotID, secret, err := ParseToken(tok)
	if err != nil || gotID != id || hashSecret(secret) != hash {
		t.Fatalf("parse %q: %q %v", tok, gotID, err)
	}
	tok2, id2, _ := newToken()
	if tok2 == tok || id2 == id {
		t.Fatal("two tokens are the same")
	}
	for _, bad := range []string{"", tok[:len(tok)-1], tok + "A", "xsk_" + tok[4:], strings.ToUpper(tok[:20]) + tok[20:],
		tok[:len(TokenPrefix)+TokenIDLen] + "-" + tok[len(TokenPrefix)+TokenIDLen+1:], tok[:len(tok)-1] + "="} {
		if _, _, err := ParseToken(bad); !errors.Is(err, ErrInvalidToken) {
			t.Errorf("ParseToken(%q): %v", bad, err)
		}
	}
}

func TestSessionCookieName(t *testing.T) {
	for host, want := range map[string]string{
		"127.0.0.1:7700":     "opensky_session_7700",
		"[::1]:8080":         "opensky_session_8080",
		"gateway.example":    "opensky_session",
		"gateway.example:ab": "opensky_session",
		"h:1234567":          "opensky_session",
	} {
		if got := SessionCookieName(host); got != want {
			t.Errorf("SessionCookieName(%q) = %q, want %q", host, got, want)
		}
	}
}
