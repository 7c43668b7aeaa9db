package main

import (
	"testing"

	"github.com/opensky-network/opensky/internal/polkadot/polkadottest"
)

// TestMain lets the bridge test run a Polkadot node in its own network
// namespace (polkadottest re-executes this binary for it).
func TestMain(m *testing.M) { polkadottest.Main(m) }
