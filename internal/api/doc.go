// Package api holds the types of the gateway's HTTP API (/api/v1): the job
// record, providers, logs, outputs and the JSON error body. The gateway
// serves them and the CLI's client decodes them.
package api
