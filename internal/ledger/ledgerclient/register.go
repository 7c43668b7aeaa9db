package ledgerclient

import (
	"context"
	"errors"
	"fmt"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/opensky-network/opensky/internal/ledger"
)

// Offer is what a provider registers with.
type Offer struct {
	Stake             int64
	PricePerCPUSecond int64
	MinPrice          int64
	Capacity          ledger.Capacity
}

// RegisterMsg builds the registration of the peer whose key is peerKey to
// the sender's account, with the peer's signature binding the two.
func RegisterMsg(chainID, account string, peerKey crypto.PrivKey, o Offer) (*ledger.MsgRegister, error) {
	pid, err := peer.IDFromPrivateKey(peerKey)
	if err != nil {
		return nil, err
	}
	sig, err := peerKey.Sign(ledger.BindMessage(chainID, account))
	if err != nil {
		return nil, fmt.Errorf("sign the peer binding: %w", err)
	}
	return &ledger.MsgRegister{PeerID: pid.String(), PeerSig: sig, Stake: o.Stake,
		PricePerCPUSecond: o.PricePerCPUSecond, MinPrice: o.MinPrice, Capacity: o.Capacity}, nil
}

// EnsureRegistered registers s's account as the provider running peerKey's
// peer unless it already is. It returns the provider's record.
func EnsureRegistered(ctx context.Context, c *Client, s *Sender, peerKey crypto.PrivKey, o Offer) (ledger.ProviderView, error) {
	pid, err := peer.IDFromPrivateKey(peerKey)
	if err != nil {
		return ledger.ProviderView{}, err
	}
	p, err := c.Provider(ctx, s.Address())
	switch {
	case err == nil && p.Active && p.PeerID == pid.String():
		return p, nil
	case err != nil && !errors.Is(err, ledger.ErrNotFound):
		return p, err
	}
	id, err := c.ChainID(ctx)
	if err != nil {
		return p, err
	}
	m, err := RegisterMsg(id, s.Address(), peerKey, o)
	if err != nil {
		return p, err
	}
	if _, err := s.Send(ctx, m); err != nil {
		return p, fmt.Errorf("register provider %s: %w", s.Address(), err)
	}
	return c.Provider(ctx, s.Address())
}
