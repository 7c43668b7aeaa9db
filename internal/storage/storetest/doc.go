// Package storetest is the conformance suite every storage.ShardStore
// runs: the local disk store (shardstore.Disk) and the network client
// (shardnet.Client) must behave alike, down to the errors callers test
// with errors.Is. It also holds the helpers those tests share to make
// shards. It is for tests only.
package storetest
