// Package p2p is an OpenSky node's libp2p host: TCP and QUIC transports
// secured with Noise, a resource manager and a connection manager, a
// Kademlia DHT of its own (protocol prefix /opensky) for finding
// providers, mDNS for finding peers on the local network, and GossipSub for
// presence announcements.
//
// On top of the host it offers request/response over streams: one framed,
// sealed request (see package wire), one framed, sealed reply, and the
// stream is closed. Every envelope must be signed by the peer at the other
// end of the Noise-authenticated connection it arrives on, so a message can
// never be relayed in someone else's name.
//
//	caller                                   handler
//	  Seal(req) -> frame -------------------> ReadFrame (bounded) -> Parse
//	                                          signer == remote peer?
//	                                          fn(ctx, from, req)
//	  Parse <- ReadFrame (bounded) <--------- frame <- Seal(reply | wire.Error)
//	  signer == callee? decode or *RemoteError
package p2p
