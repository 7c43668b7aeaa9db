// Package gateway serves the OpenSky HTTP API (/api/v1) over a Backend: job
// submission, listing, watching, logs, outputs, blob uploads and the
// provider view, with JSON errors that carry a code, a message and a hint.
package gateway
