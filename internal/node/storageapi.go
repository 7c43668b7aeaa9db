package node

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/gateway"
	"github.com/opensky-network/opensky/internal/orchestrator"
	"github.com/opensky-network/opensky/internal/storage"
	"github.com/opensky-network/opensky/internal/storage/broker"
	"github.com/opensky-network/opensky/internal/storage/erasure"
)

// storageAPI serves the storage broker to the gateway.
type storageAPI struct {
	b       *broker.Broker
	arbiter string      // the node's chain account, "" without a chain
	deals   *chainDeals // nil without a chain
	// jobs is the orchestrator: its blob store takes objects opened
	// for jobs, and its outputs are what PublishJob stores.
	jobs *orchestrator.Orchestrator
}

var _ gateway.Storage = (*storageAPI)(nil)

// storageError maps the broker's errors to the gateway's.
func storageError(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, broker.ErrNotFound):
		return fmt.Errorf("%w: %w", gateway.ErrNotFound, err)
	case errors.Is(err, broker.ErrBadRequest):
		return gateway.BadRequest(err)
	case errors.Is(err, broker.ErrNoProviders), errors.Is(err, erasure.ErrTooFewShards), errors.Is(err, broker.ErrUnrepairable):
		return fmt.Errorf("%w: %w", gateway.ErrUnavailable, err)
	}
	return err
}

func (a *storageAPI) PutObject(ctx context.Context, owner string, p api.StoragePut, body io.Reader) (*api.StoredObject, error) {
	if a.deals != nil && p.Deal == "" {
		return nil, fmt.Errorf("this network charges for storage: name a storage deal (deal=ID) that pays for it: %w", gateway.ErrPaymentRequired)
	}
	req := broker.PutRequest{Owner: owner, Name: p.Name, Size: p.Size, WrappedKey: p.WrappedKey,
		Duration: p.Duration, Deal: p.Deal, CID: p.CID}
	if p.Redundancy != "" {
		l, err := storage.ParseLayout(p.Redundancy)
		if err != nil {
			return nil, gateway.BadRequest(err)
		}
		req.Layout = l
	}
	o, err := a.b.Put(ctx, req, body)
	if err != nil {
		return nil, storageError(err)
	}
	return a.view(o, a.b.Online(ctx)), nil
}

func (a *storageAPI) Objects(ctx context.Context, owner string) ([]api.StoredObject, error) {
	objs, err := a.b.List(owner)
	if err != nil {
		return nil, err
	}
	online := a.b.Online(ctx)
	out := make([]api.StoredObject, 0, len(objs))
	for _, o := range objs {
		out = append(out, *a.view(o, online))
	}
	return out, nil
}

func (a *storageAPI) Object(ctx context.Context, cid, owner string) (*api.StoredObject, error) {
	o, err := a.b.Object(cid, owner)
	if err != nil {
		return nil, storageError(err)
	}
	return a.view(o, a.b.Online(ctx)), nil
}

func (a *storageAPI) GetObject(ctx context.Context, cid, owner string, w io.Writer) error {
	return storageError(a.b.Get(ctx, cid, owner, w))
}

func (a *storageAPI) DeleteObject(ctx context.Context, cid, owner string) error {
	return storageError(a.b.Delete(ctx, cid, owner))
}

func (a *storageAPI) AuditObject(ctx context.Context, cid, owner string) ([]api.AuditResult, error) {
	if _, err := a.b.Object(cid, owner); err != nil {
		return nil, storageError(err)
	}
	res, err := a.b.Audit(ctx, cid)
	if err != nil {
		return nil, storageError(err)
	}
	out := make([]api.AuditResult, len(res))
	for i, r := range res {
		out[i] = api.AuditResult(r)
	}
	return out, nil
}

func (a *storageAPI) RepairObject(ctx context.Context, cid, owner string) (api.RepairReport, error) {
	if _, err := a.b.Object(cid, owner); err != nil {
		return api.RepairReport{}, storageError(err)
	}
	rep, err := a.b.Repair(ctx, cid)
	out := api.RepairReport{Live: rep.Live}
	if len(rep.Rebuilt) > 0 {
		out.Rebuilt = map[string]string{}
		for i, p := range rep.Rebuilt {
			out.Rebuilt[strconv.Itoa(i)] = p
		}
	}
	if len(rep.Failed) > 0 {
		out.Failed = map[string]string{}
		for i, e := range rep.Failed {
			out.Failed[strconv.Itoa(i)] = e
		}
	}
	return out, storageError(err)
}

func (a *storageAPI) Quote(ctx context.Context, size int64, redundancy string, d time.Duration) (api.StorageQuote, error) {
	var l storage.Layout
	if redundancy != "" {
		var err error
		if l, err = storage.ParseLayout(redundancy); err != nil {
			return api.StorageQuote{}, gateway.BadRequest(err)
		}
	}
	q, err := a.b.Quote(ctx, size, l, d)
	if err != nil {
		return api.StorageQuote{}, storageError(err)
	}
	out := api.StorageQuote{Size: size, Redundancy: q.Layout.String(), ShardBytes: q.ShardBytes,
		Providers: q.Providers, PerMonth: q.PerMonth, Total: q.Total, Arbiter: a.arbiter}
	if a.deals != nil {
		// A deal pays per audit period: price each shard for one period
		// the way the deal's assignment will.
		out.Periods, out.PeriodBlocks = a.deals.terms(d)
		for _, price := range q.Prices {
			out.Amount += a.deals.shardPay(price, q.ShardBytes, out.PeriodBlocks) * out.Periods
		}
	}
	return out, nil
}

// view is the API's picture of an object, given the providers online.
func (a *storageAPI) view(o *broker.Object, online map[string]bool) *api.StoredObject {
	h := broker.ObjectHealth(o, online)
	v := &api.StoredObject{
		CID: o.CID, Name: o.Name, Size: o.Size, CipherLen: o.CipherLen, Redundancy: o.Layout.String(),
		WrappedKey: o.WrappedKey, Deal: o.Deal, CreatedAt: o.CreatedAt, Repairs: o.Repairs,
		Health: api.StorageHealth{Live: h.Live, Total: h.Total, Readable: h.Readable},
	}
	if !o.ExpiresAt.IsZero() {
		t := o.ExpiresAt
		v.ExpiresAt = &t
	}
	if !o.LastAudit.IsZero() {
		t := o.LastAudit
		v.LastAudit = &t
	}
	for _, p := range o.Shards {
		s := api.StoredShard{Index: p.Index, Peer: p.Peer, Account: p.Account, Root: p.Root.String(), State: p.State,
			Online: online[p.Peer], PricePerGBMonth: p.PricePerGBMonth, Audits: p.Audits, Failures: p.Failures, LastError: p.LastError}
		if !p.LastAudit.IsZero() {
			t := p.LastAudit
			s.LastAudit = &t
		}
		v.Shards = append(v.Shards, s)
	}
	return v
}
