package polkadottest

import (
	"strings"
	"testing"

	"github.com/opensky-network/opensky/internal/identity"
)

// DevAccount returns a development account of the chain, such as
// "//Alice" or "//Bob" ("Alice" means "//Alice"). On westend-dev each of
// them holds 10^18 of the native token.
func DevAccount(t testing.TB, name string) *identity.Account {
	t.Helper()
	uri := name
	if !strings.HasPrefix(uri, "/") {
		uri = "//" + uri
	}
	a, err := identity.AccountFromURI(uri)
	if err != nil {
		t.Fatalf("polkadottest: dev account %q: %v", name, err)
	}
	return a
}
