// Package spec defines the OpenSky job specification (apiVersion opensky/v1):
// its types, defaults, quantity parsing, bounded YAML/JSON decoding and
// validation that reports every problem at once with its field path.
package spec
