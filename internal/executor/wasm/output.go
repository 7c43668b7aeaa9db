package wasm

import (
	"io"
	"log/slog"
)

// DefaultOutputBytes bounds captured stdout and stderr each when a task
// sets no Limits.OutputBytes.
const DefaultOutputBytes = 1 << 20

// boundedOutput captures what a module writes to one stream up to limit
// bytes and forwards the same bytes to live, when set. Writes beyond the
// limit are accepted and dropped, so the module keeps running, and
// truncated records that output was lost. It is written by the goroutine
// running the module only.
type boundedOutput struct {
	limit     int
	buf       []byte
	truncated bool
	live      io.Writer
	stream    string
	logger    *slog.Logger
}

func newBoundedOutput(limit int64, live io.Writer, stream string, logger *slog.Logger) *boundedOutput {
	if limit <= 0 {
		limit = DefaultOutputBytes
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &boundedOutput{limit: int(limit), live: live, stream: stream, logger: logger}
}

// Write implements io.Writer; it never fails.
func (o *boundedOutput) Write(p []byte) (int, error) {
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
