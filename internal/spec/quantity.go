package spec

import "time"

// ByteSize is a size in bytes. In specs it is written as an integer or with
// a binary or decimal suffix: 64Mi, 1Gi, 500M, 10k.
type ByteSize int64

// Binary byte sizes.
const (
	KiB ByteSize = 1 << 10
	MiB ByteSize = 1 << 20
	GiB ByteSize = 1 << 30
	TiB ByteSize = 1 << 40
)

// MilliCPU is CPU in thousandths of a core. In specs: 1, 0.5, 250m.
type MilliCPU int64

// Core is one whole CPU core.
const Core MilliCPU = 1000

// Duration is a time.Duration written in specs as "30s", "5m", "1h30m".
type Duration time.Duration

// MicroUSD is an amount in millionths of a US dollar, the unit of every
// price and balance in OpenSky. In specs it is written in dollars, as a
// decimal string ("0.05", "$1.25") or a number, with at most six decimals.
type MicroUSD int64

// Dollar is one US dollar in MicroUSD.
const Dollar MicroUSD = 1_000_000
