// Package chain runs the OpenSky chain's ABCI application inside a CometBFT
// node, in the same process: consensus, block storage, the mempool, peer
// gossip and the transaction index come from CometBFT; the application is
// called through an in-process ABCI client, with no socket in between.
//
// It is not the state machine. What a transaction means, what the app hash
// covers and how queries are answered live in package internal/ledger; this
// package takes any abcitypes.Application and gives it a chain.
//
//	Start(ctx, app, Options)
//	  keys    config/priv_validator_key.json, config/node_key.json (kept across restarts)
//	  genesis config/genesis.json (written once, then must not change)
//	  config  built from Options (pebble DBs, kv tx index, block time)
//	  node    CometBFT handshake: Info -> replay blocks the app has not seen
//	  serve   *Node (in-process) and, if RPCListen is set, CometBFT's HTTP RPC
//
//	caller --BroadcastTxCommit--> mempool (CheckTx) --> block --> FinalizeBlock/Commit
//	       <--TxResult (height, code, log, events)------------------'
//
// Callers that should not care whether the chain runs in their process use
// the Client interface: *Node in-process, *HTTPClient against a remote node.
//
// A single validator is InitNetwork(root, 1, ...) and Start. A network of n
// validators is n homes sharing one genesis file, each listing the others as
// persistent peers; InitNetwork lays that out on 127.0.0.1 for tests and
// local devnets.
package chain
