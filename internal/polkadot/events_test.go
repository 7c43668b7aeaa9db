package polkadot

import (
	"errors"
	"math/big"
	"testing"

	"github.com/opensky-network/opensky/internal/identity"
)

// The captured block holds //Alice's transfer of 1 WND with the memo the
// integration test uses, plus other test transactions.
func TestDecodeEventsCaptured(t *testing.T) {
	meta := westendMetadata(t)
	raw := readFile(t, eventsFile)
	alice, err := identity.DevAccount("Alice")
	if err != nil {
		t.Fatal(err)
	}
	evs, err := DecodeEvents(meta, raw, Asset{Native: true, Decimals: 12})
	if err != nil {
		t.Fatalf("DecodeEvents: %v", err)
	}
	byExtrinsic := map[int][]Event{}
	for i, ev := range evs {
		if ev.Index != uint32(i) {
			t.Fatalf("event %d has Index %d", i, ev.Index)
		}
		if ev.Name == "" {
			t.Fatalf("event %d has no name", i)
		}
		byExtrinsic[ev.Extrinsic] = append(byExtrinsic[ev.Extrinsic], ev)
	}
	memoHash := RemarkHash([]byte("opensky polkadot test transfer"))
	found := false
	for x, group := range byExtrinsic {
		var transfer, remark, success bool
		for _, ev := range group {
			switch ev.Kind {
			case KindTransfer:
				transfer = ev.Name == "Balances.Transfer" && ev.From == AccountID(alice.PublicKey()) &&
					ev.Amount.Cmp(big.NewInt(1_000_000_000_000)) == 0
			case KindRemarked:
				remark = ev.Sender == AccountID(alice.PublicKey()) && ev.RemarkHash == memoHash
			case KindExtrinsicSuccess:
				success = true
			}
		}
		if transfer && remark && success {
			found = true
			if x < 0 {
				t.Errorf("the transfer's events are not in an extrinsic's phase")
			}
		}
	}
	if !found {
		t.Fatalf("no extrinsic with //Alice's transfer, remark and success among %+v", evs)
	}

	// For an Assets asset, a native transfer is just another event.
	evs, err = DecodeEvents(meta, raw, Asset{ID: USDCAssetID, Decimals: 6})
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range evs {
		if ev.Kind == KindTransfer {
			t.Fatalf("%s is a transfer of USDC", ev.Name)
		}
		if ev.Name == "Balances.Transfer" && ev.Kind != KindOther {
			t.Fatalf("Balances.Transfer has kind %v for a USDC client", ev.Kind)
		}
	}
}

func TestDecodeEventsRejects(t *testing.T) {
	meta := westendMetadata(t)
	raw := readFile(t, eventsFile)
	native := Asset{Native: true, Decimals: 12}
	for name, in := range map[string][]byte{
		"truncated":     raw[:len(raw)-1],
		"trailing byte": append(append([]byte{}, raw...), 0),
		"count too big": append([]byte{0xfc}, raw[1:]...),
		"empty":         {},
		"too large":     make([]byte, maxEventBytes+1),
	} {
		if evs, err := DecodeEvents(meta, in, native); !errors.Is(err, ErrDecode) {
			t.Errorf("%s: DecodeEvents = %d events, %v; want ErrDecode", name, len(evs), err)
		}
	}
	if evs, err := DecodeEvents(meta, []byte{0}, native); err != nil || len(evs) != 0 {
		t.Errorf("no events: %v, %v", evs, err)
	}
	if _, err := DecodeEvents(nil, raw, native); !errors.Is(err, ErrMetadata) {
		t.Errorf("nil metadata: %v", err)
	}
	// Another runtime's events do not decode as this one's.
	if _, err := DecodeEvents(statemintMetadata(t), raw, native); err == nil {
		t.Error("westend events decoded with the Statemint metadata")
	}
}
