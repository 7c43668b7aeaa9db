package erasure

import (
	"errors"
	"fmt"
	"strings"
)

// ErrTooFewShards is wrapped by the error of a Decode or Rebuild that
// cannot find k good shards. The error's message says how many shards
// are needed and usable and why each of the others was set aside; it
// also wraps each reason (storage.ErrCorrupt for bad data).
var ErrTooFewShards = errors.New("erasure: too few shards")

// errUnavailable is the reason given for a shard without a source.
var errUnavailable = errors.New("unavailable")

// tooFewError is ErrTooFewShards with its count and reasons.
type tooFewError struct {
	need, total, usable int
	reasons             []error // each "shard i: why"
}

func (e *tooFewError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "erasure: need %d of %d shards, %d usable", e.need, e.total, e.usable)
	for i, r := range e.reasons {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(r.Error())
	}
	return b.String()
}

func (e *tooFewError) Unwrap() []error {
	return append([]error{ErrTooFewShards}, e.reasons...)
}
