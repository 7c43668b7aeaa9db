package chain

import (
	"context"
	"log/slog"

	cmtlog "github.com/cometbft/cometbft/libs/log"
)

// LevelTrace is the slog level CometBFT's debug messages are logged at. They
// are many and low-level, so they sit below slog.LevelDebug.
const LevelTrace = slog.LevelDebug - 4

// cmtLogger adapts a *slog.Logger to CometBFT's logger interface.
//
// CometBFT logs several Info lines for every block (proposal, votes,
// commit, execution); at five blocks a second that drowns the node's own
// logs, so CometBFT's Info is logged at slog.LevelDebug and its Debug at
// LevelTrace. Its errors stay errors.
type cmtLogger struct {
	l *slog.Logger
}

var _ cmtlog.Logger = cmtLogger{}

func newCmtLogger(l *slog.Logger) cmtLogger {
	if l == nil {
		l = slog.New(slog.DiscardHandler)
	}
	return cmtLogger{l: l}
}

func (c cmtLogger) Debug(msg string, keyvals ...any) { c.log(LevelTrace, msg, keyvals) }
func (c cmtLogger) Info(msg string, keyvals ...any)  { c.log(slog.LevelDebug, msg, keyvals) }
func (c cmtLogger) Error(msg string, keyvals ...any) { c.log(slog.LevelError, msg, keyvals) }

func (c cmtLogger) With(keyvals ...any) cmtlog.Logger {
	return cmtLogger{l: c.l.With(keyvals...)}
}

func (c cmtLogger) log(level slog.Level, msg string, keyvals []any) {
	ctx := context.Background()
	if !c.l.Enabled(ctx, level) {
		return
	}
	c.l.Log(ctx, level, msg, keyvals...)
}
