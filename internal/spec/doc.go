// Package spec defines the OpenSky job specification (apiVersion opensky/v1):
// its types, defaults, quantity parsing, bounded YAML/JSON decoding and
// validation that reports every problem at once with its field path.
//
// A spec goes through four steps, each usable on its own:
//
//	Decode / DecodeFile   strict, bounded parsing of JSON or YAML into a Job
//	(*Job).Default        fill unset fields (kind, shards, replicas, resources)
//	(*Job).Validate       every rule at once, as a *ValidationError
//	(*Job).RequireResolved no local files left, only blob references
//
// Quantities (ByteSize, MilliCPU, Duration, MicroUSD) accept a human string
// or a JSON number and always encode to one canonical string, so the JSON
// encoding of a Job is canonical and decodes back to an equal Job.
package spec
