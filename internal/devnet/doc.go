// Package devnet starts a whole local OpenSky network in one process: an
// orchestrator + gateway node and N provider nodes, each a libp2p peer on
// 127.0.0.1 with its own identity and data directory. It backs `opensky up`
// and the multi-node tests. Components start in dependency order (network
// services first, then the gateway node, then providers bootstrapped to
// it), so that the chain can join as the first service.
package devnet
