package spec

import "time"

// ByteSize is a size in bytes. In specs it is written as an integer or with
// a binary or decimal suffix: 64Mi, 1Gi, 500M, 10k.
type ByteSize int64

// MilliCPU is CPU in thousandths of a core. In specs: 1, 0.5, 250m.
type MilliCPU int64

// Duration is a time.Duration written in specs as "30s", "5m", "1h30m".
type Duration time.Duration

// MicroUSD is an amount in millionths of a US dollar, the unit of every
// price and balance in OpenSky. In specs it is written as a decimal dollar
// string ("0.05") or an integer number of micro-USD.
type MicroUSD int64
