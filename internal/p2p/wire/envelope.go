package wire

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"
)

// Envelope layout, version 1. Every field has a fixed size or a minimal
// uvarint length prefix, and nothing may follow the payload, so a decoded
// envelope re-encodes to the same bytes:
//
//	version    1 byte, envelopeVersion
//	public key 32 bytes, ed25519
//	signature  64 bytes, ed25519 over signedMessage(type, payload)
//	type       uvarint length, then that many printable ASCII bytes
//	payload    uvarint length, then the canonical JSON payload
const (
	envelopeVersion = 1
	pubKeySize      = 32
	signatureSize   = 64
	headerSize      = 1 + pubKeySize + signatureSize
	// MaxTypeLen bounds the length of a payload type name.
	MaxTypeLen = 64
)

// signatureDomain separates envelope signatures from anything else the same
// key signs.
const signatureDomain = "opensky/wire/1"

// Envelope is a parsed envelope whose signature has been verified. Its
// payload refers to the bytes it was parsed from.
type Envelope struct {
	typ     string
	signer  peer.ID
	payload []byte
}

// Type returns the payload type, as named by Message.WireType.
func (e *Envelope) Type() string { return e.typ }

// Signer returns the peer whose key signed the envelope.
func (e *Envelope) Signer() peer.ID { return e.signer }

// Payload returns the canonical payload bytes. The caller must not modify
// them.
func (e *Envelope) Payload() []byte { return e.payload }

// Decode checks that the envelope carries m's type and decodes the payload
// strictly into m, a non-nil pointer.
func (e *Envelope) Decode(m Message) error {
	if m == nil {
		return errors.New("wire: decode into nil message")
	}
	if want := m.WireType(); e.typ != want {
		return fmt.Errorf("%w: got %q, want %q", ErrWrongType, e.typ, want)
	}
	return unmarshal(e.payload, m)
}

// Seal encodes m canonically and signs it with priv, an ed25519 key.
func Seal(priv crypto.PrivKey, m Message) ([]byte, error) {
	if priv == nil {
		return nil, errors.New("wire: seal without a key")
	}
	if priv.Type() != crypto.Ed25519 {
		return nil, fmt.Errorf("%w: %s", ErrUnsupportedKey, priv.Type())
	}
	if m == nil {
		return nil, errors.New("wire: seal nil message")
	}
	typ := m.WireType()
	if err := checkType(typ); err != nil {
		return nil, err
	}
	payload, err := Marshal(m)
	if err != nil {
		return nil, err
	}
	pub, err := priv.GetPublic().Raw()
	if err != nil {
		return nil, fmt.Errorf("wire: public key: %w", err)
	}
	sig, err := priv.Sign(signedMessage(typ, payload))
	if err != nil {
		return nil, fmt.Errorf("wire: sign: %w", err)
	}
	return encodeEnvelope(pub, sig, typ, payload), nil
}

// Open parses an envelope of at most max bytes, verifies its signature,
// checks that it carries m's type and decodes its payload into m. It
// returns the signer.
func Open(data []byte, max int, m Message) (peer.ID, error) {
	env, err := Parse(data, max)
	if err != nil {
		return "", err
	}
	if err := env.Decode(m); err != nil {
		return "", err
	}
	return env.signer, nil
}

// Peek parses an envelope of at most max bytes and verifies its signature,
// returning its payload type and signer, so that the caller can choose what
// to decode it into.
func Peek(data []byte, max int) (typ string, signer peer.ID, err error) {
	env, err := Parse(data, max)
	if err != nil {
		return "", "", err
	}
	return env.typ, env.signer, nil
}

// Parse decodes an envelope of at most max bytes and verifies its
// signature. It rejects every encoding but the canonical one.
func Parse(data []byte, max int) (*Envelope, error) {
	if len(data) > max {
		return nil, fmt.Errorf("%w: envelope of %d bytes, limit %d", ErrTooLarge, len(data), max)
	}
	if len(data) < headerSize {
		return nil, fmt.Errorf("%w: envelope of %d bytes is truncated", ErrMalformed, len(data))
	}
	if data[0] != envelopeVersion {
		return nil, fmt.Errorf("%w: envelope version %d", ErrMalformed, data[0])
	}
	pub := data[1 : 1+pubKeySize]
	sig := data[1+pubKeySize : headerSize]
	rest := data[headerSize:]

	typ, rest, err := lengthPrefixed(rest)
	if err != nil {
		return nil, fmt.Errorf("%w: envelope type: %w", ErrMalformed, err)
	}
	if err := checkType(string(typ)); err != nil {
		return nil, err
	}
	payload, rest, err := lengthPrefixed(rest)
	if err != nil {
		return nil, fmt.Errorf("%w: envelope payload: %w", ErrMalformed, err)
	}
	if len(rest) != 0 {
		return nil, fmt.Errorf("%w: %d bytes after the payload", ErrMalformed, len(rest))
	}

	key, err := crypto.UnmarshalEd25519PublicKey(pub)
	if err != nil {
		return nil, fmt.Errorf("%w: public key: %w", ErrMalformed, err)
	}
	ok, err := key.Verify(signedMessage(string(typ), payload), sig)
	if err != nil || !ok {
		return nil, ErrBadSignature
	}
	signer, err := peer.IDFromPublicKey(key)
	if err != nil {
		return nil, fmt.Errorf("%w: signer: %w", ErrMalformed, err)
	}
	return &Envelope{typ: string(typ), signer: signer, payload: payload}, nil
}

// checkType accepts payload type names of 1 to MaxTypeLen printable ASCII
// bytes.
func checkType(typ string) error {
	if len(typ) == 0 || len(typ) > MaxTypeLen {
		return fmt.Errorf("%w: type name of %d bytes", ErrMalformed, len(typ))
	}
	for i := 0; i < len(typ); i++ {
		if c := typ[i]; c <= ' ' || c > '~' {
			return fmt.Errorf("%w: type name has byte %#x", ErrMalformed, c)
		}
	}
	return nil
}

// lengthPrefixed splits a uvarint-length-prefixed field off the front of b.
func lengthPrefixed(b []byte) (field, rest []byte, err error) {
	n, k := uvarint(b)
	if k <= 0 {
		return nil, nil, errors.New("bad length prefix")
	}
	if n > uint64(len(b)-k) {
		return nil, nil, fmt.Errorf("length %d exceeds the %d bytes left", n, len(b)-k)
	}
	end := k + int(n)
	return b[k:end], b[end:], nil
}

// signedMessage is what an envelope's signature covers: the domain, the
// type and the payload, each length-prefixed so that no byte can move from
// one field to another.
func signedMessage(typ string, payload []byte) []byte {
	out := make([]byte, 0, 3*binary.MaxVarintLen64+len(signatureDomain)+len(typ)+len(payload))
	out = binary.AppendUvarint(out, uint64(len(signatureDomain)))
	out = append(out, signatureDomain...)
	out = binary.AppendUvarint(out, uint64(len(typ)))
	out = append(out, typ...)
	out = binary.AppendUvarint(out, uint64(len(payload)))
	return append(out, payload...)
}

// encodeEnvelope lays out an envelope in its canonical form.
func encodeEnvelope(pub, sig []byte, typ string, payload []byte) []byte {
	out := make([]byte, 0, headerSize+2*binary.MaxVarintLen64+len(typ)+len(payload))
	out = append(out, envelopeVersion)
	out = append(out, pub...)
	out = append(out, sig...)
	out = binary.AppendUvarint(out, uint64(len(typ)))
	out = append(out, typ...)
	out = binary.AppendUvarint(out, uint64(len(payload)))
	return append(out, payload...)
}
