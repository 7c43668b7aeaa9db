package polkadot

import (
	"fmt"

	"golang.org/x/crypto/blake2b"
)

// Layout bytes of a signed version-4 extrinsic.
const (
	extrinsicSigned   = 0x84 // signed bit | version 4
	multiAddressID    = 0x00 // MultiAddress::Id
	multiSigSr25519   = 0x01 // MultiSignature::Sr25519
	maxUnhashedLength = 256  // longer signing payloads are signed as their blake2_256
	signatureLength   = 64
)

// signingPayload returns what the signer signs: call ++ extra ++
// additional, or its blake2_256 when that is longer than 256 bytes.
func signingPayload(call, extra, additional []byte) []byte {
	p := make([]byte, 0, len(call)+len(extra)+len(additional))
	p = append(append(append(p, call...), extra...), additional...)
	if len(p) > maxUnhashedLength {
		h := blake2b.Sum256(p)
		return h[:]
	}
	return p
}

// signedExtrinsic signs call with s and returns the encoded extrinsic:
// compact length ++ 0x84 ++ MultiAddress::Id(signer) ++
// MultiSignature::Sr25519(signature) ++ extra ++ call.
func signedExtrinsic(call []byte, parts []extPart, s Signer) ([]byte, error) {
	extra, additional := joinParts(parts)
	sig, err := s.Sign(signingPayload(call, extra, additional))
	if err != nil {
		return nil, fmt.Errorf("polkadot: sign: %w", err)
	}
	if len(sig) != signatureLength {
		return nil, fmt.Errorf("polkadot: sign: signature is %d bytes, want %d", len(sig), signatureLength)
	}
	pub := s.PublicKey()
	body := make([]byte, 0, 3+len(pub)+len(sig)+len(extra)+len(call))
	body = append(body, extrinsicSigned, multiAddressID)
	body = append(body, pub[:]...)
	body = append(body, multiSigSr25519)
	body = append(body, sig...)
	body = append(body, extra...)
	body = append(body, call...)
	return append(appendCompact(nil, uint64(len(body))), body...), nil
}
