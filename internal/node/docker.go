package node

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/opensky-network/opensky/internal/config"
	"github.com/opensky-network/opensky/internal/executor/docker"
	"github.com/opensky-network/opensky/internal/spec"
)

// startDocker connects to the local Docker engine with the provider's
// policy and removes containers a previous run of this node left behind.
func startDocker(ctx context.Context, c config.Docker, owner string, log *slog.Logger) (*docker.Executor, error) {
	policy := docker.DefaultPolicy()
	policy.AllowedImages, policy.DeniedImages = c.AllowImages, c.DenyImages
	policy.AllowNetwork, policy.AllowImageUser = c.AllowNetwork, c.AllowImageUser
	if c.MaxContainers > 0 {
		policy.MaxContainers = c.MaxContainers
	}
	if c.MaxMemory != "" {
		v, _ := spec.ParseByteSize(c.MaxMemory)
		policy.Ceilings.MemoryBytes = int64(v)
	}
	if c.MaxDisk != "" {
		v, _ := spec.ParseByteSize(c.MaxDisk)
		policy.Ceilings.DiskBytes = int64(v)
	}
	if c.MaxTimeout != "" {
		v, _ := spec.ParseDuration(c.MaxTimeout)
		policy.Ceilings.Timeout = time.Duration(v)
	}
	if c.MaxPids > 0 {
		policy.Ceilings.Pids = c.MaxPids
	}
	opts := []docker.Option{docker.WithLogger(log), docker.WithPolicy(policy), docker.WithOwner(owner)}
	if c.Runtime != "" {
		opts = append(opts, docker.WithRuntime(c.Runtime))
	}
	e, err := docker.New(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("docker executor: %w", err)
	}
	if n, err := e.CleanupOrphans(ctx); err != nil {
		log.Warn("cleaning up containers of a previous run", "err", err)
	} else if n > 0 {
		log.Info("removed containers of a previous run", "count", n)
	}
	return e, nil
}
