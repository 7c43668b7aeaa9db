package docker

import "log/slog"

// Option configures an Executor.
type Option func(*options)

type options struct {
	logger  *slog.Logger
	runtime string
	policy  Policy
	owner   string
}

func defaultOptions() options {
	return options{
		logger: slog.New(slog.DiscardHandler),
		policy: DefaultPolicy(),
		owner:  DefaultOwner,
	}
}

// WithLogger sets the logger; by default nothing is logged.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) {
		if l != nil {
			o.logger = l
		}
	}
}

// WithRuntime runs job containers with the named OCI runtime of the
// engine, e.g. "runsc" where gVisor is installed; by default the engine's
// default runtime (runc) is used.
func WithRuntime(name string) Option {
	return func(o *options) { o.runtime = name }
}

// WithPolicy sets the provider's policy; by default DefaultPolicy().
func WithPolicy(p Policy) Option {
	return func(o *options) { o.policy = p }
}

// WithOwner names the daemon the containers belong to (LabelOwner), so
// that CleanupOrphans removes this daemon's leftovers and never another
// daemon's on the same engine. By default DefaultOwner.
func WithOwner(name string) Option {
	return func(o *options) {
		if name != "" {
			o.owner = name
		}
	}
}
