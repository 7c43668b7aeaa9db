package p2p

import (
	"errors"
	"fmt"

	"github.com/opensky-network/opensky/internal/p2p/wire"
)

// Codes of the wire.Error replies the host itself sends. A handler chooses
// its own code by returning a *RemoteError.
const (
	// CodeBadRequest: the request envelope or its payload is malformed,
	// not canonical, or of a type the handler does not take.
	CodeBadRequest = "bad_request"
	// CodeUnauthenticated: the request was not signed by the peer that
	// sent it.
	CodeUnauthenticated = "unauthenticated"
	// CodeInternal: the handler failed without saying why in a code.
	CodeInternal = "internal"
)

// ErrUnexpectedSigner is returned by Call when the reply is not signed by
// the peer that was called.
var ErrUnexpectedSigner = errors.New("p2p: reply not signed by the called peer")

// RemoteError is a failure reported by the peer that handled a request.
// Handlers return one to reply with a specific code.
type RemoteError struct {
	Code    string
	Message string
}

// Error implements error.
func (e *RemoteError) Error() string {
	return fmt.Sprintf("remote error %s: %s", e.Code, e.Message)
}

// errorReply turns a handler's error into the wire.Error sent back.
func errorReply(err error) *wire.Error {
	var re *RemoteError
	switch {
	case errors.As(err, &re):
		return &wire.Error{Code: re.Code, Message: re.Message}
	case errors.Is(err, wire.ErrWrongType), errors.Is(err, wire.ErrMalformed),
		errors.Is(err, wire.ErrNotCanonical), errors.Is(err, wire.ErrTooLarge):
		return &wire.Error{Code: CodeBadRequest, Message: err.Error()}
	case errors.Is(err, wire.ErrBadSignature):
		return &wire.Error{Code: CodeUnauthenticated, Message: err.Error()}
	default:
		return &wire.Error{Code: CodeInternal, Message: err.Error()}
	}
}
