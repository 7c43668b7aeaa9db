// Package ledgertest builds deterministic transaction workloads for the
// ledger, for benchmarks that compare the bare state machine
// (internal/ledger) with the replicated chain (bench/).
package ledgertest

import (
	"crypto/ed25519"
	"crypto/sha256"
	"fmt"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/opensky-network/opensky/internal/identity"
	"github.com/opensky-network/opensky/internal/ledger"
)

// The development accounts a settlement workload uses (see
// identity.DevAccount). Consumers lock escrows in turn, the arbiter
// assigns and settles them, and every settlement pays all three
// providers.
var (
	Consumers = []string{"Alice", "Bob", "Charlie", "Dave"}
	Arbiter   = "Eve"
	Providers = []string{"Provider1", "Provider2", "Provider3"}
)

// Amounts of one settlement cycle, in micro-USD.
const (
	LockAmount    = ledger.USD     // what a consumer locks per job
	PayoutAmount  = ledger.USD / 4 // what each provider is paid per job
	ProviderFund  = 100 * ledger.USD
	ProviderStake = 10 * ledger.USD
	// escrowBlocks is how long escrows stay locked: longer than any run.
	escrowBlocks = 1_000_000
)

// PeerKey is provider name's libp2p key: ed25519, derived from the name,
// so its peer ID is the same in every run.
func PeerKey(name string) (crypto.PrivKey, peer.ID, error) {
	seed := sha256.Sum256([]byte("opensky/ledgertest/peer/" + name))
	priv, err := crypto.UnmarshalEd25519PrivateKey(ed25519.NewKeyFromSeed(seed[:]))
	if err != nil {
		return nil, "", err
	}
	id, err := peer.IDFromPrivateKey(priv)
	if err != nil {
		return nil, "", err
	}
	return priv, id, nil
}

// SettlementWorkload returns a genesis and the transactions of n
// settlement cycles on chain chainID.
//
// The genesis has DefaultParams and funds the Consumers (enough for every
// cycle), the Arbiter and the Providers. The first len(Providers)
// transactions register the providers; then each cycle is three
// transactions: a consumer locks LockAmount with the Arbiter as arbiter,
// the Arbiter assigns the escrow to job "job-<i>", and the Arbiter settles
// it paying PayoutAmount to each provider, the fee to the treasury and the
// rest back to the consumer. So len(txs) == len(Providers) + 3*n.
//
// Every transaction succeeds when they are delivered in order, in blocks
// of any size, on a ledger initialized with the genesis. Accounts, peer
// IDs, nonces, escrow IDs and payloads are the same in every call; only
// the signatures differ, because sr25519 signatures are randomized.
func SettlementWorkload(chainID string, n int) (genesis ledger.Genesis, txs [][]byte, err error) {
	if n < 0 {
		return genesis, nil, fmt.Errorf("ledgertest: negative cycle count %d", n)
	}
	perConsumer := int64(n/len(Consumers)+1) * LockAmount
	if perConsumer > ledger.MaxAmount {
		return genesis, nil, fmt.Errorf("ledgertest: %d cycles need more than the largest balance", n)
	}
	accts := map[string]*identity.Account{}
	for _, name := range append(append([]string{Arbiter}, Consumers...), Providers...) {
		a, err := identity.DevAccount(name)
		if err != nil {
			return genesis, nil, err
		}
		accts[name] = a
	}
	genesis.Params = ledger.DefaultParams()
	genesis.Params.Arbiters = []string{accts[Arbiter].Address()}
	fund := func(name string, v int64) {
		genesis.Accounts = append(genesis.Accounts, ledger.GenesisAccount{Address: accts[name].Address(), Balance: v})
	}
	fund(Arbiter, ledger.USD)
	for _, c := range Consumers {
		fund(c, perConsumer)
	}
	for _, p := range Providers {
		fund(p, ProviderFund)
	}
	if err := genesis.Validate(); err != nil {
		return genesis, nil, err
	}

	nonces := map[string]uint64{}
	send := func(name string, m ledger.Msg) error {
		b, err := ledger.NewTx(accts[name], chainID, nonces[name], m)
		if err != nil {
			return fmt.Errorf("ledgertest: %s from %s: %w", m.Type(), name, err)
		}
		nonces[name]++
		txs = append(txs, b)
		return nil
	}
	peers := make([]string, len(Providers))
	for i, name := range Providers {
		priv, id, err := PeerKey(name)
		if err != nil {
			return genesis, nil, err
		}
		sig, err := priv.Sign(ledger.BindMessage(chainID, accts[name].Address()))
		if err != nil {
			return genesis, nil, err
		}
		peers[i] = id.String()
		if err := send(name, &ledger.MsgRegister{PeerID: peers[i], PeerSig: sig, Stake: ProviderStake,
			PricePerCPUSecond: 10, Capacity: ledger.Capacity{MilliCPU: 4000}}); err != nil {
			return genesis, nil, err
		}
	}
	arbiter := accts[Arbiter].Address()
	for i := range n {
		consumer := Consumers[i%len(Consumers)]
		escrow := ledger.EscrowID(accts[consumer].PublicKey(), nonces[consumer])
		job := fmt.Sprintf("job-%d", i)
		if err := send(consumer, &ledger.MsgLock{Arbiter: arbiter, Amount: LockAmount, ExpiresIn: escrowBlocks}); err != nil {
			return genesis, nil, err
		}
		if err := send(Arbiter, &ledger.MsgAssign{Escrow: escrow, Job: job}); err != nil {
			return genesis, nil, err
		}
		m := &ledger.MsgSettle{Escrow: escrow, Job: job, Outcome: ledger.OutcomeCompleted, Evidence: "root-" + job}
		for k, p := range peers {
			m.Payouts = append(m.Payouts, ledger.Payout{Peer: p, Task: fmt.Sprintf("%s/%d", job, k), Amount: PayoutAmount, PricePerCPUSecond: 10})
		}
		if err := send(Arbiter, m); err != nil {
			return genesis, nil, err
		}
	}
	return genesis, txs, nil
}
