package executor

import (
	"io"
	"log/slog"
)

// DefaultOutputBytes bounds captured stdout and stderr each when a task
// sets no Limits.OutputBytes.
const DefaultOutputBytes = 1 << 20

// BoundedOutput captures what a task writes to one stream up to a limit
// and forwards the same bytes to a live writer, when set. Writes beyond the
// limit are accepted and dropped, so the task keeps running, and Truncated
// records that output was lost. One goroutine writes it; Bytes is read
// once that goroutine is done.
type BoundedOutput struct {
	limit     int
	buf       []byte
	truncated bool
	live      io.Writer
	stream    string
	logger    *slog.Logger
}

// NewBoundedOutput captures up to limit bytes (DefaultOutputBytes when
// limit is not positive) of the named stream.
func NewBoundedOutput(limit int64, live io.Writer, stream string, logger *slog.Logger) *BoundedOutput {
	if limit <= 0 {
		limit = DefaultOutputBytes
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &BoundedOutput{limit: int(limit), live: live, stream: stream, logger: logger}
}

// Write implements io.Writer; it never fails.
func (o *BoundedOutput) Write(p []byte) (int, error) {
	keep := p
	if room := o.limit - len(o.buf); len(keep) > room {
		keep = keep[:max(room, 0)]
		o.truncated = true
	}
	if len(keep) == 0 {
		return len(p), nil
	}
	o.buf = append(o.buf, keep...)
	if o.live != nil {
		if _, err := o.live.Write(keep); err != nil {
			o.logger.Warn("live output stopped", "stream", o.stream, "err", err)
			o.live = nil
		}
	}
	return len(p), nil
}

// Bytes returns what was captured.
func (o *BoundedOutput) Bytes() []byte { return o.buf }

// Truncated reports whether output beyond the limit was dropped.
func (o *BoundedOutput) Truncated() bool { return o.truncated }

// Limit returns the capture bound.
func (o *BoundedOutput) Limit() int { return o.limit }
