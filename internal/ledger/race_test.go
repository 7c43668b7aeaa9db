//go:build race

package ledger

// raceEnabled shortens the longest tests under the race detector, which
// makes signing and JSON decoding ten times slower.
const raceEnabled = true
