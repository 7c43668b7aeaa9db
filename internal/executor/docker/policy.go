package docker

import (
	"errors"
	"fmt"
	"time"

	"github.com/opensky-network/opensky/internal/executor"
)

// Policy is what a provider accepts from jobs. The zero value accepts any
// image, gives no job network or the image's own user, sets no ceilings
// and runs any number of containers at once; DefaultPolicy is the safer
// starting point.
type Policy struct {
	// AllowedImages, when not empty, lists the only images jobs may use;
	// DeniedImages lists images they may not. A denial wins over an
	// allowance. An entry is a name ("alpine", "ghcr.io/org/tool": any
	// tag), a name and tag ("alpine:3.20"), a name and digest
	// ("alpine@sha256:…"), an image ID or registry digest alone
	// ("sha256:…"), or a pattern with * over repository names
	// ("opensky-test/*").
	AllowedImages []string
	DeniedImages  []string

	// AllowNetwork lets jobs that ask for network have it (bridge
	// network); without it every job container has only a loopback
	// interface.
	AllowNetwork bool
	// AllowImageUser runs jobs as the user their image names; without it
	// every job runs as nobody (65534:65534).
	AllowImageUser bool

	// Ceilings are the most any single job may ask for; a task over a
	// ceiling is refused with ErrDenied, a task that sets no value for a
	// limit gets the ceiling. A zero field sets no ceiling (see
	// effectiveLimits for the defaults then).
	Ceilings executor.Limits

	// MaxContainers bounds the job containers running at once; Run waits
	// for a free slot (or its context). Zero means no bound.
	MaxContainers int
}

// DefaultPolicy accepts any image, with no network and no image user,
// at most 2 GiB of memory, 10 GiB of outputs, 1024 processes, one hour
// and 16 MiB of captured output per stream for one job, and 4 containers
// at once.
func DefaultPolicy() Policy {
	return Policy{
		Ceilings: executor.Limits{
			MemoryBytes: 2 << 30,
			DiskBytes:   10 << 30,
			Timeout:     time.Hour,
			OutputBytes: 16 << 20,
			Pids:        1024,
		},
		MaxContainers: 4,
	}
}

// Validate reports the first thing wrong with p, naming the field.
func (p Policy) Validate() error {
	for _, list := range []struct {
		field   string
		entries []string
	}{{"AllowedImages", p.AllowedImages}, {"DeniedImages", p.DeniedImages}} {
		for _, e := range list.entries {
			if _, err := parseImageRule(e); err != nil {
				return fmt.Errorf("policy %s: %w", list.field, err)
			}
		}
	}
	c := p.Ceilings
	if c.MilliCPU < 0 || c.MemoryBytes < 0 || c.DiskBytes < 0 || c.Timeout < 0 || c.OutputBytes < 0 || c.Pids < 0 {
		return errors.New("policy Ceilings: a ceiling is negative")
	}
	if p.MaxContainers < 0 {
		return errors.New("policy MaxContainers: negative")
	}
	return nil
}

// networkMode is the network of a job container: the engine's default
// bridge only when both the task and the policy allow it, none otherwise.
// Tasks cannot ask for network yet, so every job container gets "none".
func (p Policy) networkMode(taskWantsNetwork bool) string {
	if taskWantsNetwork && p.AllowNetwork {
		return "bridge"
	}
	return "none"
}

// user is the user a job container runs as.
func (p Policy) user() string {
	if p.AllowImageUser {
		return ""
	}
	return NobodyUser
}

// NobodyUser is the user and group every job runs as unless the policy
// allows the image's own user.
const NobodyUser = "65534:65534"
