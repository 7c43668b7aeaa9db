package docker

import (
	"io"
	"log/slog"
)

// boundedOutput captures one stream of a job up to limit bytes and
// forwards the same bytes to live, when set. Writes beyond the limit are
// accepted and dropped, so that the job keeps running, and truncated
// records that output was lost. One goroutine writes it; the buffer is
// read once that goroutine is done.
type boundedOutput struct {
	limit     int
	buf       []byte
	truncated bool
	live      io.Writer
	stream    string
	logger    *slog.Logger
}

func newBoundedOutput(limit int64, live io.Writer, stream string, logger *slog.Logger) *boundedOutput {
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
