package shardnet

import (
	"context"
	"errors"
	"fmt"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/opensky-network/opensky/internal/p2p"
	"github.com/opensky-network/opensky/internal/storage"
)

// Codes of the storage protocol's wire.Error replies, besides p2p's
// bad_request, unauthenticated and internal.
const (
	CodeNotFound  = "shard_not_found"
	CodeExists    = "shard_exists"
	CodeNoSpace   = "no_space"
	CodeCorrupt   = "corrupt"
	CodeForbidden = "forbidden"
)

// ErrForbidden: the provider does not let this peer do that (put at all,
// or delete a shard another peer put).
var ErrForbidden = errors.New("shardnet: not allowed")

// codes pairs each code with the error it stands for.
var codes = []struct {
	code string
	err  error
}{
	{CodeNotFound, storage.ErrShardNotFound},
	{CodeExists, storage.ErrShardExists},
	{CodeNoSpace, storage.ErrNoSpace},
	{CodeCorrupt, storage.ErrCorrupt},
	{CodeForbidden, ErrForbidden},
}

// remoteError is a provider's coded error: it reads as the provider's
// message and is both the storage error its code stands for and the
// *p2p.RemoteError.
type remoteError struct {
	sentinel error
	remote   *p2p.RemoteError
}

func (e *remoteError) Error() string   { return e.remote.Message }
func (e *remoteError) Unwrap() []error { return []error{e.sentinel, e.remote} }

// clientError names what failed on which provider, and turns a coded
// reply back into its storage error so that errors.Is works across the
// network.
func clientError(ctx context.Context, op string, p peer.ID, err error) error {
	var re *p2p.RemoteError
	if errors.As(err, &re) {
		for _, c := range codes {
			if c.code == re.Code {
				err = &remoteError{sentinel: c.err, remote: re}
				break
			}
		}
	} else if cerr := ctx.Err(); cerr != nil && !errors.Is(err, cerr) {
		err = fmt.Errorf("%w (%w)", cerr, err)
	}
	return fmt.Errorf("shardnet: %s on %s: %w", op, p, err)
}

// replyError is the error a handler returns for err: a storage error
// keeps its code and message, anything else is internal and its details
// stay in the provider's log.
func replyError(err error) *p2p.RemoteError {
	var re *p2p.RemoteError
	if errors.As(err, &re) {
		return re
	}
	for _, c := range codes {
		if errors.Is(err, c.err) {
			return &p2p.RemoteError{Code: c.code, Message: err.Error()}
		}
	}
	return &p2p.RemoteError{Code: p2p.CodeInternal, Message: "the provider's store failed"}
}

// badRequest is the reply to a request that fails validation.
func badRequest(err error) *p2p.RemoteError {
	return &p2p.RemoteError{Code: p2p.CodeBadRequest, Message: err.Error()}
}
