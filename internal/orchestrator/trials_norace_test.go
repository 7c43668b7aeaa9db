//go:build !race

package orchestrator

// byzantineTrials is how many jobs TestByzantineTrials runs.
const byzantineTrials = 1000
