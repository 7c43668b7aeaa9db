package main

import (
	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/identity"
)

// benchClient is an API client of a local network that signs every
// request as the development account //Alice, as a consumer's CLI signs
// with its wallet: the measured path includes authentication.
func benchClient(url string) (*api.Client, error) {
	alice, err := identity.AccountFromURI("//Alice")
	if err != nil {
		return nil, err
	}
	return api.NewClient(url, api.WithAccount(alice)), nil
}
