// Package storage keeps consumers' files on providers' disks: encrypted on
// the owner's side, erasure-coded into k+m shards on k+m distinct
// providers, audited with proofs of retrievability and repaired when
// shards are lost. See README.md for the flow.
//
// The root package holds the types every part shares: the layout of an
// object, shard identities, audit proofs, and the ShardStore interface a
// provider's store implements locally (shardstore) and over the network
// (shardnet). The pipeline stages live in subpackages: seal (client-side
// encryption and content addressing), merkle (piece trees and proofs),
// erasure (striping and Reed-Solomon), and broker (placement, upload,
// download, audits and repair on the gateway node).
package storage
