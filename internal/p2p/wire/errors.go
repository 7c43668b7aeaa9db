package wire

import "errors"

// Conditions callers test with errors.Is.
var (
	// ErrTooLarge: a frame or envelope exceeds the bound given to the reader.
	ErrTooLarge = errors.New("wire: message too large")
	// ErrMalformed: the bytes are not a well-formed envelope, frame or
	// payload.
	ErrMalformed = errors.New("wire: malformed message")
	// ErrBadSignature: the envelope's signature does not verify against the
	// public key it carries.
	ErrBadSignature = errors.New("wire: bad signature")
	// ErrWrongType: the envelope carries another payload type than the one
	// asked for.
	ErrWrongType = errors.New("wire: wrong message type")
	// ErrNotCanonical: the payload decodes but is not in its canonical
	// encoding.
	ErrNotCanonical = errors.New("wire: payload not canonical")
	// ErrUnsupportedKey: the signing key is not an ed25519 key.
	ErrUnsupportedKey = errors.New("wire: unsupported key type")
)
