// Package shardstore keeps a provider's shards on its local disk: Disk
// implements storage.ShardStore on a directory, within a capacity the
// provider chose.
//
// Layout, all files 0600 and directories 0700:
//
//	<dir>/LOCK                       held while a Disk has the directory open
//	<dir>/<cid>/<index>.shard        the pieces, PieceSize bytes each
//	<dir>/<cid>/<index>.leaves       their 32-byte leaf hashes, in order
//	<dir>/<cid>/<index>.meta         piece count, root and owner (JSON)
//	<dir>/<cid>/<index>.*.tmp        a Put in progress
//
// A Put streams into the .tmp files, hashing pieces as they arrive, syncs
// them, renames the shard and leaves into place and then the meta file:
// the meta file is the commit. Opening the directory removes .tmp files
// and shard or leaves files without a meta file, so a crash at any point
// leaves either the whole shard or nothing.
package shardstore
