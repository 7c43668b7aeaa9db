package gateway

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/gateway/auth"
	"github.com/opensky-network/opensky/internal/ledger"
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
	codeTxRejected       = "tx_rejected"
	codeUnauthorized     = "unauthorized"
	codeForbidden        = "forbidden"
	codeRateLimited      = "rate_limited"
)

// ErrForbidden: the authenticated account may not do this (403), such as
// reading another account's balance.
var ErrForbidden = errors.New("forbidden")

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
		te  *ledger.TxError
	)
	switch {
	case isAuthError(err):
		return http.StatusUnauthorized, authErrorBody(err)
	case errors.Is(err, ErrForbidden):
		return http.StatusForbidden, api.Error{Code: codeForbidden, Message: err.Error()}
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
	case errors.Is(err, ErrNotFound), errors.Is(err, auth.ErrTokenNotFound):
		return http.StatusNotFound, api.Error{Code: codeNotFound, Message: err.Error()}
	case errors.Is(err, auth.ErrInvalidTokenRequest):
		return http.StatusBadRequest, api.Error{Code: codeBadRequest, Message: err.Error()}
	case errors.Is(err, auth.ErrTooManyTokens):
		return http.StatusConflict, api.Error{
			Code: codeConflict, Message: err.Error(),
			Hint: "list your tokens with opensky token list and revoke those you no longer use",
		}
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
	case errors.As(err, &te):
		return txErrorResponse(te)
	default:
		return http.StatusInternalServerError, internalBody
	}
}

// txErrorHints tell a client what to do about a rejected transaction.
var txErrorHints = map[ledger.Code]string{
	ledger.CodeMalformed:        "sign the transaction with the opensky CLI or ledger.NewTx: the chain accepts only its exact encoding",
	ledger.CodeBadSignature:     "sign with the key of the account that sends the transaction",
	ledger.CodeWrongChain:       "sign for this gateway's chain: GET /api/v1/chain gives its chainId",
	ledger.CodeBadNonce:         "fetch the account's nonce and sign again",
	ledger.CodeInvalid:          "fix the field the message names",
	ledger.CodeInsufficientFund: "top up with opensky wallet faucet on a local network",
	ledger.CodeUnauthorized:     "only the account the chain names may send this",
	ledger.CodeConflict:         "the chain's state does not allow this now; read it again (GET /api/v1/chain/...)",
	ledger.CodeOverflow:         "use a smaller amount",
}

// txErrorResponse maps the ledger's verdict: an unknown object is 404, a
// broken invariant 500, anything else a rejected request whose message is
// the ledger's reason and whose details carry the ledger's code.
func txErrorResponse(te *ledger.TxError) (int, api.Error) {
	switch te.Code {
	case ledger.CodeNotFound:
		return http.StatusNotFound, api.Error{Code: codeNotFound, Message: cmp.Or(te.Reason, "not found on the chain")}
	case ledger.CodeInternal, ledger.CodeOK:
		return http.StatusInternalServerError, internalBody
	}
	return http.StatusBadRequest, api.Error{
		Code:    codeTxRejected,
		Message: cmp.Or(te.Reason, "the chain rejected the transaction ("+te.Code.String()+")"),
		Hint:    txErrorHints[te.Code],
		Details: []api.Problem{{Path: "code", Message: te.Code.String()}},
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
