// Package identity holds keys: libp2p peer keys now, sr25519 accounts with
// the chain.
package identity
