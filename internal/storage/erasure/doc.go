// Package erasure stripes an object's ciphertext over k+m shards with
// Reed-Solomon coding, and reads it back, or regenerates lost shards,
// from any k of them.
//
// # Shard layout
//
// For a storage.Layout{Data: k, Parity: m}, the ciphertext is cut into
// stripes of k·storage.PieceSize bytes; the last stripe is padded with
// zeros, and an empty ciphertext still has one stripe
// (storage.Layout.Pieces). Stripe j gives piece j of every shard: data
// shard i holds bytes [i·PieceSize, (i+1)·PieceSize) of the stripe, and
// parity shard k+p holds Reed-Solomon parity p of the stripe's k data
// pieces. A shard is its pieces back to back, and its root is the Merkle
// root (package merkle) over merkle.Leaf of each piece: the root a
// provider's store computes on Put and proves pieces against in audits.
//
// # Flow
//
//	ciphertext ─▶ Encoder ─▶ k+m shard writers (pieces in order), Roots
//
//	k+m Sources ─▶ leaves checked against roots ─▶ choose k (data first)
//	   ─▶ per batch of stripes: read pieces, check each leaf,
//	      replace a failing source by a spare at the same piece
//	   ─▶ Reed-Solomon for missing data pieces ─▶ exact ciphertext (Decode)
//	   ─▶ or any chosen shards' pieces, roots checked (Rebuild)
//
// Every byte Decode writes comes from pieces whose leaves were checked
// against the trusted roots, or is computed from such pieces.
package erasure
