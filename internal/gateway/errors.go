package gateway

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/spec"
)

// Error codes of the api.Error bodies the gateway writes.
const (
	codeBadRequest       = "bad_request"
	codeInvalidSpec      = "invalid_spec"
	codeNotFound         = "not_found"
	codeMethodNotAllowed = "method_not_allowed"
	codeConflict         = "conflict"
	codePaymentRequired  = "payment_required"
	codeTooLarge         = "too_large"
	codeUnavailable      = "unavailable"
	codeInternal         = "internal"
)

// badRequest is a client mistake found by the gateway itself (a malformed
// query parameter, an unreadable body); its message is shown as is.
type badRequest struct {
	msg  string
	hint string
}

func (e *badRequest) Error() string { return e.msg }

// badRequestf returns a *badRequest with a formatted message.
func badRequestf(format string, args ...any) error {
	return &badRequest{msg: fmt.Sprintf(format, args...)}
}

// errorResponse maps err to an HTTP status and the body that explains it.
// Internal errors get a generic message; the caller logs the detail.
func errorResponse(err error) (int, api.Error) {
	var (
		br  *badRequest
		ve  *spec.ValidationError
		mbe *http.MaxBytesError
	)
	switch {
	case errors.As(err, &br):
		return http.StatusBadRequest, api.Error{Code: codeBadRequest, Message: br.msg, Hint: br.hint}
	case errors.As(err, &mbe):
		return http.StatusRequestEntityTooLarge, api.Error{
			Code:    codeTooLarge,
			Message: fmt.Sprintf("request body is larger than the %d-byte limit", mbe.Limit),
		}
	case errors.Is(err, ErrTooLarge), errors.Is(err, spec.ErrTooLarge):
		return http.StatusRequestEntityTooLarge, api.Error{Code: codeTooLarge, Message: err.Error()}
	case errors.Is(err, ErrBlobNotFound):
		e := api.Error{
			Code:    codeBadRequest,
			Message: "the job references blobs that were not uploaded",
			Hint:    "upload each file with POST /api/v1/blobs first; `opensky job run` does this for local paths",
		}
		if errors.As(err, &ve) {
			e.Code, e.Details = codeInvalidSpec, problems(ve)
		} else {
			e.Message = err.Error()
		}
		return http.StatusBadRequest, e
	case errors.As(err, &ve):
		return http.StatusBadRequest, api.Error{
			Code:    codeInvalidSpec,
			Message: "the job spec is invalid",
			Details: problems(ve),
		}
	case errors.Is(err, ErrPaymentRequired):
		return http.StatusPaymentRequired, api.Error{
			Code:    codePaymentRequired,
			Message: err.Error(),
			Hint:    "lock the job's price in escrow with this gateway's arbiter account (GET /api/v1/chain) and name it in the spec's escrow field; the opensky CLI does this with your wallet",
		}
	case errors.Is(err, ErrNotFound):
		return http.StatusNotFound, api.Error{Code: codeNotFound, Message: err.Error()}
	case errors.Is(err, ErrConflict):
		return http.StatusConflict, api.Error{Code: codeConflict, Message: err.Error()}
	case errors.Is(err, ErrUnavailable):
		return http.StatusServiceUnavailable, api.Error{
			Code:    codeUnavailable,
			Message: err.Error(),
			Hint:    "the node is starting, stopping or overloaded; try again shortly",
		}
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return http.StatusServiceUnavailable, api.Error{Code: codeUnavailable, Message: "the request was cancelled before it completed"}
	default:
		return http.StatusInternalServerError, internalBody
	}
}

// problems converts validation problems to their API form.
func problems(ve *spec.ValidationError) []api.Problem {
	out := make([]api.Problem, len(ve.Problems))
	for i, p := range ve.Problems {
		out[i] = api.Problem{Path: p.Path, Message: p.Message}
	}
	return out
}

// fail writes the error response for err and logs it: internal errors at
// error level with the detail the client does not see, the rest at debug.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	status, body := errorResponse(err)
	if status >= http.StatusInternalServerError && status != http.StatusServiceUnavailable {
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	} else {
		s.log.Debug("request refused", "method", r.Method, "path", r.URL.Path, "status", status, "err", err)
	}
	writeError(w, status, body)
}
