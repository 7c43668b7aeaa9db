package wasm

import "log/slog"

// DefaultMaxModules is the default bound on compiled modules kept in
// memory.
const DefaultMaxModules = 64

// Option configures an Executor.
type Option func(*options)

type options struct {
	cacheDir   string
	logger     *slog.Logger
	maxModules int
}

func defaultOptions() options {
	return options{
		logger:     slog.New(slog.DiscardHandler),
		maxModules: DefaultMaxModules,
	}
}

// WithCacheDir keeps compiled machine code in dir, so that a module seen
// before starts fast after a restart.
func WithCacheDir(dir string) Option {
	return func(o *options) { o.cacheDir = dir }
}

// WithLogger sets the logger; by default nothing is logged.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) {
		if l != nil {
			o.logger = l
		}
	}
}

// WithMaxModules bounds the number of compiled modules kept in memory
// (least recently used go first). Values below 1 mean 1.
func WithMaxModules(n int) Option {
	return func(o *options) { o.maxModules = max(n, 1) }
}
