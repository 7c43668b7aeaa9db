// Package pipeline joins the owner-side stages of storage in memory:
// seal (encryption and content addressing) and erasure (striping and
// Reed-Solomon). Seal sends an object's plaintext through them to k+m
// shard writers; Open reads it back from shard sources; Pipeline runs
// Seal with writers that discard, to measure the stages alone.
//
//	plaintext ─▶ seal.Writer ─┬─▶ seal.Hasher ─▶ CID
//	                          └─▶ erasure.Encoder ─▶ k+m shard writers, roots
//
//	k+m sources ─▶ erasure.Decode ─▶ seal.NewReader ─▶ plaintext
package pipeline
