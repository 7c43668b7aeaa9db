// Package node assembles one OpenSky peer from its configuration: the
// libp2p host with its persistent identity, and the roles it plays — the
// orchestrator with the gateway's HTTP API, a provider with its executors,
// or both. `opensky node` runs one; the devnet runs several.
package node
