package bridge

import (
	"errors"
	"fmt"
	"math/big"

	"github.com/opensky-network/opensky/internal/ledger"
)

// usdDecimals is the precision of the OpenSky unit: micro-USD.
const usdDecimals = 6

// scale converts between the OpenSky unit and the smallest unit of the
// Polkadot asset, one dollar being one whole token.
type scale struct{ factor *big.Int }

func newScale(decimals int) (scale, error) {
	if decimals < usdDecimals || decimals > 30 {
		return scale{}, fmt.Errorf("an asset with %d decimals cannot carry micro-USD (6 to 30 decimals)", decimals)
	}
	return scale{factor: new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(decimals-usdDecimals)), nil)}, nil
}

// planck is usd in the asset's smallest unit.
func (s scale) planck(usd int64) *big.Int {
	return new(big.Int).Mul(big.NewInt(usd), s.factor)
}

// Planck is usd (micro-USD) in the smallest unit of an asset with
// decimals places, one whole token being one dollar: what a deposit of usd
// must transfer.
func Planck(usd int64, decimals int) (*big.Int, error) {
	s, err := newScale(decimals)
	if err != nil {
		return nil, err
	}
	return s.planck(usd), nil
}

var errPrecision = errors.New("the amount is finer than a micro-dollar")

// usd is an amount of the asset in micro-USD; it must be exact and fit.
func (s scale) usd(planck *big.Int) (int64, error) {
	if planck == nil || planck.Sign() <= 0 {
		return 0, errors.New("the amount is not positive")
	}
	q, r := new(big.Int).QuoRem(planck, s.factor, new(big.Int))
	if r.Sign() != 0 {
		return 0, errPrecision
	}
	if !q.IsInt64() || q.Int64() > ledger.MaxAmount {
		return 0, fmt.Errorf("the amount is more than the chain holds in one amount (%s)", ledger.FormatUSD(ledger.MaxAmount))
	}
	return q.Int64(), nil
}
