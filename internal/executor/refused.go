package executor

import "errors"

// Errors for tasks a provider would not or could not start. Engines wrap
// them in their own, more precise errors.
var (
	// ErrRefused: the provider's policy refuses the task; nothing ran.
	ErrRefused = errors.New("refused by the provider's policy")
	// ErrUnavailable: something the task needs (an image) is not on the
	// provider and cannot be fetched.
	ErrUnavailable = errors.New("not available on this provider")
)
