// Package shardnet is the storage protocol, /opensky/storage/1.0.0: a
// provider serves its storage.ShardStore to the network (Serve), and a
// Client is a storage.ShardStore that talks to one provider.
//
// Every exchange is one stream. It opens with a sealed request (see
// package wire, and p2p.Host.OpenStream); the provider answers with a
// sealed header, or a wire.Error whose code says which storage error it
// was, and bulk data travels raw after the headers. Nothing raw is
// signed: shard data is checked against its Merkle root instead.
//
//	put     PutRequest ->                   (provider reserves space)
//	        <- PutReady | error
//	        raw pieces, exactly Pieces*PieceSize bytes, then close write ->
//	        <- PutDone{root} | error        (after the store committed)
//	read    ReadRequest -> <- ReadReady | error, then Count*PieceSize raw bytes
//	leaves  LeavesRequest -> <- LeavesReady{count} | error, then 32-byte hashes
//	prove   ProveRequest -> <- ProveReply | error   (bounded by MaxProveReply)
//	stat    StatRequest -> <- StatReply | error
//	delete  DeleteRequest -> <- DeleteReply | error
//
// Anyone may put unless AllowPut says otherwise; only the peer that put a
// shard, or one AllowDeleteAny admits, may delete it. The owner is
// recorded by the store itself when it is an OwnerStore (shardstore.Disk
// is), so the rule survives restarts.
package shardnet
