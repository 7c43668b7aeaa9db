package ledger

// Market is the chain's price index: a moving average of the prices
// (micro-USD per CPU-second) that settled tasks were bid at, and the
// volume settled.
type Market struct {
	PriceIndex int64 `json:"priceIndex"`
	Samples    int64 `json:"samples"`
	Jobs       int64 `json:"jobs"`
	Volume     int64 `json:"volume"`
}

// priceWindow is the weight of the moving average: each new price moves
// the index by 1/priceWindow of the difference.
const priceWindow = 32

func getMarket(s kv) Market {
	var m Market
	read(s, keyMarket, &m)
	return m
}

func (c *execCtx) observePrice(price int64) {
	if price <= 0 {
		return
	}
	m := getMarket(c.s)
	if m.Samples == 0 {
		m.PriceIndex = price
	} else {
		m.PriceIndex += (price - m.PriceIndex) / priceWindow
	}
	m.Samples++
	write(c.s, keyMarket, m)
}

func (c *execCtx) bumpMarket(paid int64) {
	m := getMarket(c.s)
	m.Jobs++
	m.Volume = min(m.Volume+paid, MaxSupply)
	write(c.s, keyMarket, m)
}
