package gateway

import (
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/spec"
)

// resolveHint tells a client how to get rid of local file references.
const resolveHint = "upload local files with POST /api/v1/blobs and reference them as sha256:<hex>; `opensky job run` does this for you"

// submitJob decodes, defaults and validates a job spec (JSON or YAML) and
// hands it to the backend once the caller may pay with the escrow it
// names (handle_submit_escrow.go).
func (s *Server) submitJob(w http.ResponseWriter, r *http.Request) {
	if r.ContentLength > s.maxSpec {
		s.fail(w, r, fmt.Errorf("spec of %d bytes is larger than the %d-byte limit: %w", r.ContentLength, s.maxSpec, ErrTooLarge))
		return
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.maxSpec))
	if err != nil {
		s.fail(w, r, fmt.Errorf("read spec: %w", err))
		return
	}
	j, err := parseSpec(data)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := j.RequireResolved(); err != nil {
		status, body := errorResponse(err)
		body.Hint = resolveHint
		writeError(w, status, body)
		return
	}
	rec, err := s.checkedSubmit(r.Context(), *j)
	var notOwned *escrowNotOwned
	if errors.As(err, &notOwned) {
		s.log.Info("job refused: escrow of another account", "escrow", notOwned.escrow, "account", notOwned.account)
		writeError(w, http.StatusPaymentRequired, api.Error{Code: codePaymentRequired, Message: err.Error(), Hint: escrowOwnerHint})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if acct, ok := AccountFrom(r.Context()); ok && s.auth != nil && rec.Owner != acct {
		// The job runs, but its submitter cannot see it: a Backend that
		// does not record owners must not be served with WithAuth.
		s.log.Error("the backend did not record the job's owner", "job", rec.ID, "account", acct, "owner", rec.Owner)
	}
	w.Header().Set("Location", "/api/v1/jobs/"+rec.ID)
	writeJSON(w, http.StatusCreated, rec)
}

// parseSpec decodes data, applies defaults and validates the result. A
// decoding error that is not already a client error becomes a bad request.
func parseSpec(data []byte) (*spec.Job, error) {
	if len(data) == 0 {
		return nil, badRequestf("the request body is empty: send a job spec in JSON or YAML")
	}
	j, err := spec.Decode(data)
	if err != nil {
		return nil, asClientError("cannot decode the job spec", err)
	}
	j.Default()
	if err := j.Validate(); err != nil {
		return nil, asClientError("invalid job spec", err)
	}
	return j, nil
}

// asClientError keeps err when it already maps to a 4xx response and
// otherwise turns it into a bad request: whatever goes wrong while reading
// a client's spec is the spec's fault.
func asClientError(what string, err error) error {
	if status, _ := errorResponse(err); status < http.StatusInternalServerError {
		return err
	}
	return &badRequest{msg: what + ": " + err.Error()}
}
