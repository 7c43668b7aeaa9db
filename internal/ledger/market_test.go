package ledger

import "testing"

func TestMarketIndex(t *testing.T) {
	h := newHarness(t)
	c := ctxOn(h, 1)
	c.observePrice(0) // no bid: no sample
	if m := getMarket(c.s); m.Samples != 0 {
		t.Fatalf("%+v", m)
	}
	c.observePrice(320)
	if m := getMarket(c.s); m.PriceIndex != 320 || m.Samples != 1 {
		t.Fatalf("first sample %+v", m)
	}
	c.observePrice(640)
	if m := getMarket(c.s); m.PriceIndex != 330 || m.Samples != 2 {
		t.Fatalf("second sample %+v", m)
	}
	for range 1000 {
		c.observePrice(100)
	}
	if m := getMarket(c.s); m.PriceIndex < 100 || m.PriceIndex > 100+priceWindow {
		t.Fatalf("index does not follow the price: %+v", m)
	}
	c.bumpMarket(5 * USD)
	c.bumpMarket(MaxSupply)
	if m := getMarket(c.s); m.Jobs != 2 || m.Volume != MaxSupply {
		t.Fatalf("volume %+v", m)
	}
}

func TestMarketFromSettlements(t *testing.T) {
	h, id := settleSetup(t, 10*USD)
	p := h.pay("P1", "t1", USD)
	p.PricePerCPUSecond = 50
	h.ok(h.settle("Orch", &MsgSettle{Escrow: id, Job: "job-1", Outcome: OutcomeCompleted, Payouts: []Payout{p}}))
	v, err := h.l.Query(QueryMarket)
	if err != nil {
		t.Fatal(err)
	}
	if m := v.(Market); m.PriceIndex != 50 || m.Jobs != 1 || m.Volume != USD {
		t.Fatalf("market %+v", m)
	}
}
