// Package wire defines what OpenSky peers say to each other: the protocol
// IDs and size bounds, the payload messages, and the signed envelope every
// payload travels in.
//
// An envelope binds a payload to its type and to the peer that signed it.
// Both the envelope and its JSON payload have exactly one valid byte
// encoding, so a sealed message can be stored, forwarded and verified again
// later (a receipt inside a result, for instance) and hashing it is
// meaningful. Open rejects anything that is not in that encoding.
//
// Envelopes travel on streams as frames: a uvarint length followed by that
// many bytes, bounded by the reader.
package wire
