// Package orchestrator runs the lifecycle of jobs: it accepts a validated
// spec, splits it into tasks (shard × replica), matches each task to a
// provider through the selection pipeline and signed bids, dispatches it
// over libp2p, collects and checks the signed result, and records every
// phase in an embedded store so that a restart loses no job. See README.md
// for the flow.
package orchestrator
