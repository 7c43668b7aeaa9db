// Package verify computes output roots (Merkle roots over a task's output
// files, exit code and logs, expressed as CIDv1) so that replicas can be
// compared and receipts can commit to what a task produced.
package verify
