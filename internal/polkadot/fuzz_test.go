package polkadot

import (
	"errors"
	"testing"
)

// FuzzDecodeEvents feeds arbitrary System.Events values to the decoder
// with the westend-dev metadata. It calls the decoder without DecodeEvents'
// recover, so that a panic is a finding.
func FuzzDecodeEvents(f *testing.F) {
	meta := westendMetadata(f)
	layout, err := newEventLayout(&meta.AsMetadataV14)
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte{0})
	f.Add(readFile(f, eventsFile))
	assets := []Asset{{Native: true, Decimals: 12}, {ID: USDCAssetID, Decimals: 6}}
	f.Fuzz(func(t *testing.T, raw []byte) {
		for _, a := range assets {
			evs, err := layout.decode(raw, a)
			if err != nil {
				if !errors.Is(err, ErrDecode) && !errors.Is(err, ErrMetadata) {
					t.Fatalf("error without a sentinel: %v", err)
				}
				continue
			}
			for i, ev := range evs {
				if ev.Index != uint32(i) || ev.Extrinsic < -1 || ev.Name == "" {
					t.Fatalf("event %d: %+v", i, ev)
				}
				if (ev.Kind == KindTransfer) != (ev.Amount != nil) {
					t.Fatalf("event %d: kind %v with amount %v", i, ev.Kind, ev.Amount)
				}
			}
		}
	})
}

// FuzzDecodeAccount feeds arbitrary System.Account values to the nonce
// and balance decoders.
func FuzzDecodeAccount(f *testing.F) {
	meta := westendMetadata(f)
	accounts, err := newAccountLayout(&meta.AsMetadataV14, Asset{Native: true, Decimals: 12})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(readFile(f, accountFile))
	f.Fuzz(func(t *testing.T, raw []byte) {
		b, errB := accounts.balance(raw)
		_, errN := accounts.nonce(raw)
		if (errB == nil) != (errN == nil) {
			t.Fatalf("balance error %v, nonce error %v: a value either decodes or not", errB, errN)
		}
		if errB == nil && (b.Sign() < 0 || b.BitLen() > 128) {
			t.Fatalf("balance %v is not a u128", b)
		}
	})
}
