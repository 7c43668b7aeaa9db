//go:build race

package orchestrator

// byzantineTrials is fewer under the race detector, which makes libp2p
// streams and signing several times slower; the full count runs without it.
const byzantineTrials = 150
