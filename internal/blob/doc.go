// Package blob is a content-addressed file store: modules and input files
// uploaded by consumers on the orchestrator, and the cache of fetched blobs
// on providers. A blob's reference is "sha256:<hex>" of its bytes.
package blob
