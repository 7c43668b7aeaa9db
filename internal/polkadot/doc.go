// Package polkadot is the bridge's bounded client for a Polkadot or
// Substrate chain over HTTP JSON-RPC: it reads finalized and best heads,
// block hashes, decoded events and balances, and it signs and submits
// transfers of one configured asset (the native balance or an Assets-pallet
// asset such as USDC on Asset Hub) together with a System.remark_with_event
// memo, in one Utility.batch_all.
//
// Everything the node sends is untrusted: every response body is bounded,
// every call has a timeout, and events and storage values are decoded by a
// bounded SCALE reader driven by the runtime's own metadata (scale.go).
// Signed extrinsics are encoded by hand (extrinsic.go, extensions.go) so that
// the signed extensions of any runtime the package knows are honoured, and a
// runtime with an extension it does not know is refused at Dial.
//
// A node that cannot be reached gives an error that wraps ErrUnavailable.
// The subpackage polkadottest runs a real Gossamer node for tests.
package polkadot
