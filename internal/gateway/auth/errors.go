package auth

import "errors"

// Errors of authentication. Each makes the gateway answer 401, except
// ErrTooManyNonces (429).
var (
	// ErrMalformed: an authentication header is present but cannot be
	// parsed (a missing companion header, a bad encoding, a wrong length).
	ErrMalformed = errors.New("malformed authentication headers")
	// ErrExpired: the signed timestamp is outside the allowed window.
	ErrExpired = errors.New("request timestamp outside the allowed window")
	// ErrBadSignature: the signature does not verify for the request and
	// the account it names.
	ErrBadSignature = errors.New("signature does not match the request")
	// ErrReplay: the nonce was already used by the account within the
	// window.
	ErrReplay = errors.New("nonce already used")
	// ErrBodyMismatch: the body does not hash to the signed digest.
	ErrBodyMismatch = errors.New("request body does not match its signed digest")
	// ErrInvalidToken: the token is not one the store holds (never
	// issued, revoked, or malformed).
	ErrInvalidToken = errors.New("unknown or revoked API token")
	// ErrTokenExpired: the token is past its expiry.
	ErrTokenExpired = errors.New("API token expired")
	// ErrTooManyNonces: the nonce cache is full for this account (or
	// overall); the request is refused rather than left unprotected
	// against replay.
	ErrTooManyNonces = errors.New("too many signed requests in the replay window")
	// ErrTokenNotFound: no token with that ID belongs to the account.
	ErrTokenNotFound = errors.New("token not found")
	// ErrTooManyTokens: the account holds the most tokens allowed.
	ErrTooManyTokens = errors.New("too many tokens")
	// ErrInvalidTokenRequest: a token's name or expiry is not acceptable.
	ErrInvalidTokenRequest = errors.New("invalid token request")
)
