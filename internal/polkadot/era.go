package polkadot

import "math/bits"

// Bounds of a mortal era's period, in blocks.
const (
	minPeriod     = 4
	maxPeriod     = 1 << 16
	defaultPeriod = 64
)

// era is a mortal transaction era: a transaction signed with it is valid
// from its birth block until period blocks later. phase is the birth
// block's number modulo period, rounded down to the era's resolution.
type era struct {
	period, phase uint64
}

// mortalEra returns the era of period blocks (rounded up to a power of two
// between 4 and 65536) that starts at block current.
func mortalEra(current, period uint64) era {
	period = min(max(period, minPeriod), maxPeriod)
	period = 1 << bits.Len64(period-1)
	q := quantum(period)
	return era{period: period, phase: current % period / q * q}
}

// quantum is the resolution of the phase: the encoding has 12 bits for it.
func quantum(period uint64) uint64 { return max(period>>12, 1) }

// encode returns the era's two SCALE bytes: the low four bits hold
// log2(period)-1, the other twelve the phase divided by the quantum.
func (e era) encode() [2]byte {
	low := min(15, max(1, uint64(bits.TrailingZeros64(e.period))-1))
	v := low | e.phase/quantum(e.period)<<4
	return [2]byte{byte(v), byte(v >> 8)}
}

// birth returns the number of the block the era started at, as seen from
// block current (its hash is what the signature commits to).
func (e era) birth(current uint64) uint64 {
	return (max(current, e.phase)-e.phase)/e.period*e.period + e.phase
}

// lastBlock returns the number of the last block that can include a
// transaction of this era born at birth.
func (e era) lastBlock(birth uint64) uint64 { return birth + e.period - 1 }
