// Package identity holds keys: the libp2p peer key that authenticates a
// node on the network, and the sr25519 accounts that hold money on the
// OpenSky chain. Accounts derive from BIP-39 mnemonics and secret URIs
// exactly as Polkadot wallets derive them, show as SS58 addresses, and
// rest on disk only encrypted with a passphrase (keystore.go).
package identity
