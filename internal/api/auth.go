package api

import "time"

// EnvToken is the environment variable the opensky CLI reads an API token
// from.
const EnvToken = "OPENSKY_TOKEN"

// AuthInfo says how a gateway authenticates requests (part of
// GET /api/v1/node, which is public).
type AuthInfo struct {
	// Required: every /api/v1 route except the public ones needs a
	// signed request or an API token.
	Required bool `json:"required"`
	// ClockSkewSeconds is how far a signed request's timestamp may be
	// from the gateway's clock, either way.
	ClockSkewSeconds int64 `json:"clockSkewSeconds"`
	// RatePerSecond and Burst are each account's request budget (and
	// each remote address's, for requests without credentials).
	RatePerSecond float64 `json:"ratePerSecond"`
	Burst         int     `json:"burst"`
	// DevAccounts marks a local development network: clients may sign
	// with the public development accounts (//Alice), which hold nothing
	// of value there.
	DevAccounts bool `json:"devAccounts,omitempty"`
}

// Token describes an API token (GET /api/v1/tokens). It never holds the
// secret.
type Token struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Account string `json:"account"`
	// CreatedAt is when the token was made; ExpiresAt, when set, is when
	// it stops working.
	CreatedAt time.Time `json:"createdAt"`
	ExpiresAt time.Time `json:"expiresAt,omitzero"`
}

// TokenRequest is the body of POST /api/v1/tokens.
type TokenRequest struct {
	// Name helps tell tokens apart (at most 64 bytes).
	Name string `json:"name,omitempty"`
	// ExpiresAt, when set, is when the token stops working; without it
	// the token works until it is revoked.
	ExpiresAt time.Time `json:"expiresAt,omitzero"`
}

// NewToken answers POST /api/v1/tokens: the token's description and the
// token itself, which the gateway does not keep and cannot show again.
type NewToken struct {
	Token
	// Value is the secret token to send as "Authorization: Bearer ...".
	Value string `json:"token"`
}
