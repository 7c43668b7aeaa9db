// Package config is the typed configuration of an OpenSky node. Values come
// from defaults, then a YAML file, then OPENSKY_* environment variables,
// then command-line flags; Validate checks each section and names it in
// its errors.
package config
