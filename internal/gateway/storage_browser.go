package gateway

import (
	"fmt"
	"net/http"

	"github.com/opensky-network/opensky/internal/gateway/ui"
)

// The web interface's upload page seals a file in the browser and stores
// it with POST /api/v1/storage, the route `opensky storage put` uses. A
// browser holds no account key to sign with, so on the routes below the
// session cookie counts as credentials for a write too, when the request
// comes from one of the gateway's pages with the page's API write token
// (ui.CheckAPIWrite); the route then applies its usual rules (the
// object's owner is the session's account, the body is bounded by the
// size it declares, the account's rate limit). Everywhere else the cookie
// counts for reads only.

// browserWriteRoutes are the routes a page's script may write to with the
// session cookie.
var browserWriteRoutes = map[string]bool{
	"POST /api/v1/storage": true,
}

// checkBrowserWrite refuses, with 403, a write that carries the session
// cookie as its only credentials but does not come from the gateway's
// pages.
func checkBrowserWrite(r *http.Request) error {
	if err := ui.CheckAPIWrite(r); err != nil {
		return fmt.Errorf("%w: %w", ErrForbidden, err)
	}
	return nil
}
