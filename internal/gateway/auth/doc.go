// Package auth authenticates requests to the gateway's HTTP API: requests
// signed with an account's sr25519 key, API tokens bound to an account, and
// the bookkeeping both need (a bounded cache of recently seen nonces, a
// persistent token store).
//
// A signed request carries five headers: X-OpenSky-Account (the SS58
// address), X-OpenSky-Timestamp (Unix seconds), X-OpenSky-Nonce (random),
// X-OpenSky-Content-SHA256 (hex SHA-256 of the body) and
// X-OpenSky-Signature (hex sr25519 signature). The signature covers one
// canonical, domain-separated string (Canonical):
//
//	opensky-api-request-v1
//	METHOD
//	host
//	request target (path and query, as sent)
//	account
//	timestamp
//	nonce
//	body SHA-256 (64 lowercase hex digits)
//
// A token is "osk_" + a 16-character public ID + "_" + 43 characters of
// base64url secret (32 random bytes); the store keeps only the ID, the
// account, a name, an optional expiry and a hash of the secret. Clients
// send it as "Authorization: Bearer <token>".
//
// The gateway stores who a request is from in its context (WithPrincipal);
// handlers read it with AccountFrom. docs/api-auth.md describes the scheme
// for client authors.
package auth
