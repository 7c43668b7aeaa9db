// Package merkle builds the binary Merkle trees that commit to a shard's
// pieces and to an object's ciphertext chunks, and proves and checks
// single leaves against a root.
//
// The tree has the shape of RFC 6962 (Certificate Transparency): a leaf
// is SHA-256(0x00 || piece), an inner node is SHA-256(0x01 || left ||
// right), and a tree of n > 1 leaves splits at the largest power of two
// smaller than n. The two prefixes keep a leaf from ever being read as an
// inner node. Because every left subtree is complete, a Builder computes
// the same root from a stream of leaves while holding only one hash per
// level, O(log n) memory.
//
// A proof for leaf i of n is the list of sibling hashes from the leaf up
// to the root; Verify recomputes the root from it.
package merkle
