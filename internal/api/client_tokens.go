package api

import (
	"context"
	"net/http"
	"net/url"
)

// CreateToken makes an API token for the client's account. The gateway
// only takes this from a signed request (WithAccount), not from a token.
// The returned Value is the token; it cannot be shown again.
func (c *Client) CreateToken(ctx context.Context, req TokenRequest) (NewToken, error) {
	var t NewToken
	err := c.postJSON(ctx, "/tokens", req, &t)
	return t, err
}

// ListTokens lists the tokens of the client's account, oldest first.
func (c *Client) ListTokens(ctx context.Context) ([]Token, error) {
	var ts []Token
	err := c.get(ctx, "/tokens", nil, &ts)
	return ts, err
}

// RevokeToken revokes one of the account's tokens; it stops working at
// once.
func (c *Client) RevokeToken(ctx context.Context, id string) error {
	return c.call(ctx, request{method: http.MethodDelete, path: "/tokens/" + url.PathEscape(id)}, nil)
}
