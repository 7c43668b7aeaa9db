package ledger

import (
	"fmt"
	"slices"

	"github.com/libp2p/go-libp2p/core/peer"
)

// Provider is a registered provider: the account that is paid and staked,
// the libp2p peer that does the work, and what it offers.
type Provider struct {
	Address           string   `json:"address"`
	PeerID            string   `json:"peerId"`
	Active            bool     `json:"active"`
	Stake             int64    `json:"stake"`
	Unbonding         int64    `json:"unbonding"`
	UnbondAt          int64    `json:"unbondAt,omitempty"`
	PricePerCPUSecond int64    `json:"pricePerCpuSecond"`
	MinPrice          int64    `json:"minPrice"`
	Capacity          Capacity `json:"capacity"`
	RegisteredAt      int64    `json:"registeredAt"`
	// Earned is everything settlements paid this provider.
	Earned int64 `json:"earned"`
	// Slashed is everything taken from its stake.
	Slashed int64 `json:"slashed"`
}

// unbond is a stake waiting to return to its owner's balance.
type unbond struct {
	Height  int64  `json:"height"`
	Address string `json:"address"`
}

func getProvider(s kv, addr string) (Provider, bool) {
	var p Provider
	return p, read(s, prefProvider+addr, &p)
}

func putProvider(s kv, p Provider) { write(s, prefProvider+p.Address, p) }

// providerByPeer finds the provider that registered peer.
func providerByPeer(s kv, peerID string) (Provider, bool) {
	var addr string
	if !read(s, prefPeer+peerID, &addr) {
		return Provider{}, false
	}
	return getProvider(s, addr)
}

func (c *execCtx) register(m *MsgRegister) error {
	if old, ok := getProvider(c.s, c.sender); ok && (old.Active || old.Unbonding > 0) {
		return txErr(CodeConflict, "%s is already a provider (peer %s); use registry/update", c.sender, old.PeerID)
	}
	if owner, ok := providerByPeer(c.s, m.PeerID); ok && owner.Address != c.sender {
		return txErr(CodeConflict, "peer %s is registered to another account", m.PeerID)
	}
	pid, _ := peer.Decode(m.PeerID)
	pub, err := pid.ExtractPublicKey()
	if err != nil {
		return txErr(CodeInvalid, "peer %s does not embed its public key", m.PeerID)
	}
	if ok, err := pub.Verify(BindMessage(c.chainID, c.sender), m.PeerSig); err != nil || !ok {
		return txErr(CodeBadSignature, "peerSig is not peer %s's signature binding it to %s", m.PeerID, c.sender)
	}
	if m.Stake < c.params.MinStake {
		return txErr(CodeInvalid, "stake %s is below the minimum %s", FormatUSD(m.Stake), FormatUSD(c.params.MinStake))
	}
	if err := c.debit(c.sender, m.Stake); err != nil {
		return err
	}
	// An earlier peer of this account keeps pointing to it, so that
	// settlements of work that peer did still find who to pay or slash.
	p, _ := getProvider(c.s, c.sender)
	p.Address, p.PeerID, p.Active, p.Stake = c.sender, m.PeerID, true, m.Stake
	p.PricePerCPUSecond, p.MinPrice, p.Capacity, p.RegisteredAt = m.PricePerCPUSecond, m.MinPrice, m.Capacity, c.height
	putProvider(c.s, p)
	write(c.s, prefPeer+m.PeerID, c.sender)
	c.emit("register", "provider", c.sender, "peer", m.PeerID, "stake", fmt.Sprint(m.Stake))
	return nil
}

func (c *execCtx) updateProvider(m *MsgUpdateProvider) error {
	p, ok := getProvider(c.s, c.sender)
	if !ok || !p.Active {
		return txErr(CodeNotFound, "%s is not an active provider", c.sender)
	}
	if m.AddStake > 0 {
		if err := c.debit(c.sender, m.AddStake); err != nil {
			return err
		}
		stake, err := addChecked(p.Stake, m.AddStake)
		if err != nil {
			return err
		}
		p.Stake = stake
	}
	p.PricePerCPUSecond, p.MinPrice, p.Capacity = m.PricePerCPUSecond, m.MinPrice, m.Capacity
	putProvider(c.s, p)
	c.emit("update_provider", "provider", c.sender, "stake", fmt.Sprint(p.Stake))
	return nil
}

func (c *execCtx) unregister() error {
	p, ok := getProvider(c.s, c.sender)
	if !ok || !p.Active {
		return txErr(CodeNotFound, "%s is not an active provider", c.sender)
	}
	p.Active = false
	p.Unbonding += p.Stake
	p.Stake = 0
	p.UnbondAt = c.height + c.params.UnbondingBlocks
	putProvider(c.s, p)
	var q []unbond
	read(c.s, keyUnbonding, &q)
	q = append(q, unbond{Height: p.UnbondAt, Address: p.Address})
	write(c.s, keyUnbonding, q)
	c.emit("unregister", "provider", c.sender, "unbond_at", fmt.Sprint(p.UnbondAt))
	return nil
}

// releaseUnbonded returns the stakes whose unbonding period ended by
// height to their owners. It runs at the start of every block.
func releaseUnbonded(s kv, height int64) {
	var q []unbond
	if !read(s, keyUnbonding, &q) || len(q) == 0 || q[0].Height > height {
		return
	}
	i := 0
	for ; i < len(q) && q[i].Height <= height; i++ {
		p, ok := getProvider(s, q[i].Address)
		// An entry is stale when the stake it queued was slashed away and
		// the provider registered and unbonded again: the newer entry,
		// at the provider's own UnbondAt, releases that stake.
		if !ok || p.Unbonding == 0 || p.UnbondAt > height {
			continue
		}
		a, _ := getAccount(s, p.Address)
		a.Balance += p.Unbonding
		putAccount(s, a)
		p.Unbonding, p.UnbondAt = 0, 0
		putProvider(s, p)
	}
	q = slices.Delete(q, 0, i)
	if len(q) == 0 {
		s.del(keyUnbonding)
		return
	}
	write(s, keyUnbonding, q)
}
