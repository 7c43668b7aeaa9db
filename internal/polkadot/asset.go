package polkadot

import (
	"fmt"
	"strconv"
	"strings"
)

// Asset says what the bridge moves: the chain's native balance (on dev
// chains) or an Assets-pallet asset (on Asset Hub: USDC is 1337 and USDT is
// 1984, both with 6 decimals).
type Asset struct {
	Native   bool
	ID       uint32 // Assets-pallet asset ID; 0 when Native
	Decimals int
}

// Well-known Asset Hub assets.
const (
	USDCAssetID = 1337
	USDTAssetID = 1984
)

// nativeDecimals is the default for "native": westend and dev chains use
// 12 (Polkadot itself uses 10; say "native:10").
const nativeDecimals = 12

// maxDecimals bounds Decimals: a u128 holds 38 decimal digits.
const maxDecimals = 38

// ParseAsset reads an asset name: "native" (12 decimals; "native:10" for
// another number), "usdc" (asset 1337, 6 decimals), "usdt" (asset 1984, 6
// decimals), or "asset:ID:DECIMALS". Case and surrounding space do not
// matter.
func ParseAsset(s string) (Asset, error) {
	parts := strings.Split(strings.ToLower(strings.TrimSpace(s)), ":")
	bad := func(why string) (Asset, error) {
		return Asset{}, fmt.Errorf("polkadot: asset %.80q: %s (want native, native:DECIMALS, usdc, usdt or asset:ID:DECIMALS)", s, why)
	}
	switch parts[0] {
	case "native":
		a := Asset{Native: true, Decimals: nativeDecimals}
		switch len(parts) {
		case 1:
			return a, nil
		case 2:
			d, err := parseDecimals(parts[1])
			if err != nil {
				return bad(err.Error())
			}
			a.Decimals = d
			return a, nil
		}
		return bad("too many parts")
	case "usdc", "usdt":
		if len(parts) != 1 {
			return bad("too many parts")
		}
		id := uint32(USDCAssetID)
		if parts[0] == "usdt" {
			id = USDTAssetID
		}
		return Asset{ID: id, Decimals: 6}, nil
	case "asset":
		if len(parts) != 3 {
			return bad("want asset:ID:DECIMALS")
		}
		id, err := strconv.ParseUint(parts[1], 10, 32)
		if err != nil {
			return bad("asset ID is not a u32")
		}
		d, err := parseDecimals(parts[2])
		if err != nil {
			return bad(err.Error())
		}
		return Asset{ID: uint32(id), Decimals: d}, nil
	}
	return bad("unknown asset")
}

func parseDecimals(s string) (int, error) {
	d, err := strconv.Atoi(s)
	if err != nil || d < 0 || d > maxDecimals {
		return 0, fmt.Errorf("decimals must be an integer from 0 to %d", maxDecimals)
	}
	return d, nil
}

// String returns the asset in the form ParseAsset reads: "native:12" or
// "asset:1337:6".
func (a Asset) String() string {
	if a.Native {
		return fmt.Sprintf("native:%d", a.Decimals)
	}
	return fmt.Sprintf("asset:%d:%d", a.ID, a.Decimals)
}

// validate checks the fields of an Asset built by hand.
func (a Asset) validate() error {
	if a.Decimals < 0 || a.Decimals > maxDecimals {
		return fmt.Errorf("polkadot: asset %s: decimals must be from 0 to %d", a, maxDecimals)
	}
	if a.Native && a.ID != 0 {
		return fmt.Errorf("polkadot: asset %s: a native asset has no ID", a)
	}
	return nil
}
