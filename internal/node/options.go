package node

import "github.com/opensky-network/opensky/internal/executor"

// Option changes how Start assembles a node, beyond its configuration.
type Option func(*options)

type options struct {
	wrap func(executor.Executor) executor.Executor
}

// WithExecutorWrapper passes every executor the provider runs through
// wrap. It exists for fault injection in tests (a provider that lies about
// its results); a real node never sets it.
func WithExecutorWrapper(wrap func(executor.Executor) executor.Executor) Option {
	return func(o *options) { o.wrap = wrap }
}
