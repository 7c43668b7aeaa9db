package docker

import (
	"errors"
	"fmt"

	"github.com/opensky-network/opensky/internal/executor"
)

// Errors of the Docker executor, besides the executor package's own.
// Callers test them with errors.Is.
var (
	// ErrImageUnavailable: the image is not on this provider and could
	// not be pulled.
	ErrImageUnavailable = fmt.Errorf("image unavailable: %w", executor.ErrUnavailable)
	// ErrDenied: the provider's policy refuses the task (its image or a
	// limit above a ceiling). Nothing ran.
	ErrDenied = fmt.Errorf("denied: %w", executor.ErrRefused)
	// ErrEngineUnavailable: the Docker engine cannot be reached.
	ErrEngineUnavailable = errors.New("docker engine unavailable")
	// ErrClosed is returned by Run after Close.
	ErrClosed = errors.New("docker executor closed")
)
