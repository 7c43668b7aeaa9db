package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/gateway/ui"
	"github.com/opensky-network/opensky/internal/ledger"
	"github.com/opensky-network/opensky/internal/spec"
)

// A job names the escrow that pays for it. Escrow IDs and owners are
// public on the chain, so nobody may spend another account's escrow by
// naming its ID. The orchestrator keeps that rule: it refuses a paid job
// with no authenticated account, or whose escrow another account locked,
// whatever its caller checked. With authentication on, the gateway also
// checks the owner before it submits, to answer with what to do about it.
// The API and the web interface's submit form both submit through
// checkedSubmit.

// escrowOwnerHint tells the caller what to do about an escrow that is
// not theirs.
const escrowOwnerHint = "name an escrow your own account locked with this gateway's arbiter (opensky escrow list shows yours; opensky escrow lock 2.00 locks one), or leave the spec's escrow field empty and let the opensky CLI lock one"

// escrowNotOwned is a job that names an escrow the caller does not own.
// It wraps ErrPaymentRequired: the job has no escrow it may use.
type escrowNotOwned struct {
	escrow, account string
}

func (e *escrowNotOwned) Error() string {
	return fmt.Sprintf("escrow %s was not locked by account %s, which submits the job: a job is paid only from its submitter's escrow", e.escrow, e.account)
}

func (e *escrowNotOwned) Unwrap() error { return ErrPaymentRequired }

// checkEscrowOwner refuses, with authentication on and a chain, a job
// whose escrow the authenticated account does not own. An escrow the
// chain does not know is left to the orchestrator, which explains it.
// Without authentication it checks nothing: the orchestrator refuses a
// paid job that has no account.
func (s *Server) checkEscrowOwner(ctx context.Context, j *spec.Job) error {
	if s.auth == nil || s.chain == nil || j.Escrow == "" {
		return nil
	}
	acct, ok := AccountFrom(ctx)
	if !ok {
		// Every route that submits requires an account; a caller
		// without one must not get past here with an escrow.
		return fmt.Errorf("a job that names escrow %s needs an authenticated account: %w", j.Escrow, ErrPaymentRequired)
	}
	raw, err := s.chain.ChainQuery(ctx, ledger.QueryEscrow+j.Escrow)
	var te *ledger.TxError
	if errors.As(err, &te) && te.Code == ledger.CodeNotFound {
		return fmt.Errorf("escrow %s does not exist on the chain: %w", j.Escrow, ErrPaymentRequired)
	}
	if err != nil {
		return fmt.Errorf("read escrow %s: %w: %w", j.Escrow, ErrUnavailable, err)
	}
	var e ledger.Escrow
	if err := json.Unmarshal(raw, &e); err != nil {
		return fmt.Errorf("read escrow %s: %w: %w", j.Escrow, ErrUnavailable, err)
	}
	if e.Owner != acct {
		return &escrowNotOwned{escrow: j.Escrow, account: acct}
	}
	return nil
}

// checkedSubmit submits j to the backend once the caller may pay with
// the escrow it names.
func (s *Server) checkedSubmit(ctx context.Context, j spec.Job) (*api.Job, error) {
	if err := s.checkEscrowOwner(ctx, &j); err != nil {
		return nil, err
	}
	return s.b.SubmitJob(ctx, j)
}

// submitBackend is the Backend the web interface submits through: the
// Server's, with the escrow's owner checked as for the API.
type submitBackend struct {
	Backend
	s *Server
}

// SubmitJob checks the escrow's owner, then submits.
func (b submitBackend) SubmitJob(ctx context.Context, j spec.Job) (*api.Job, error) {
	return b.s.checkedSubmit(ctx, j)
}

// countingSubmitBackend is a submitBackend over a Backend that counts
// its jobs itself, which the web interface's history then uses.
type countingSubmitBackend struct {
	submitBackend
	ui.JobCounter
}

// uiBackend is the Backend the web interface is served over: the
// Server's, submitting through checkedSubmit, with the optional
// capabilities the web interface looks for kept.
func (s *Server) uiBackend() Backend {
	sb := submitBackend{Backend: s.b, s: s}
	if c, ok := s.b.(ui.JobCounter); ok {
		return countingSubmitBackend{submitBackend: sb, JobCounter: c}
	}
	return sb
}
