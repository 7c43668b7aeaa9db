// Package broker runs the storage network on the gateway node: it places
// the k+m shards of an uploaded object on distinct providers chosen by
// the selection pipeline, streams them there while the ciphertext
// arrives, serves reads from any k of them, audits every shard with
// proofs of retrievability, reports the results to the object's storage
// deal, and rebuilds lost shards on new providers.
//
// The broker never sees a plaintext byte or an object key in the clear:
// owners encrypt before they upload (package seal) and the object's key
// travels wrapped to the owner's account.
package broker
