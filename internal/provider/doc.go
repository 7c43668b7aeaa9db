// Package provider is the provider daemon's core: it announces its
// inventory over GossipSub, answers bid requests by admission against what
// is free, runs dispatched tasks on an executor in a per-task work
// directory, hashes the outputs into an output root, signs a receipt and
// pushes the result back to the orchestrator.
package provider
