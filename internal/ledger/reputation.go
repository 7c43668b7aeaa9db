package ledger

// Reputation is a provider's record of verification outcomes, as a Beta
// distribution whose weights decay with each new outcome, so recent
// behaviour counts most. Weights are in parts per million.
type Reputation struct {
	Alpha     int64 `json:"alpha"`
	Beta      int64 `json:"beta"`
	Successes int64 `json:"successes"`
	Failures  int64 `json:"failures"`
	Lost      int64 `json:"lost"`
	Updated   int64 `json:"updated"`
}

const ppm = 1_000_000

// Score is the expected probability of a good result, in parts per
// million: (α+1)/(α+β+2). A newcomer scores 500000.
func (r Reputation) Score() int64 {
	return (r.Alpha + ppm) * ppm / (r.Alpha + r.Beta + 2*ppm)
}

type outcome int

const (
	outcomeSuccess outcome = iota
	outcomeWrong
	outcomeLost // half the weight of a wrong result: downtime, not fraud
)

func getReputation(s kv, addr string) Reputation {
	var r Reputation
	read(s, prefRep+addr, &r)
	return r
}

func (c *execCtx) reputation(addr string, o outcome) {
	r := getReputation(c.s, addr)
	d := c.params.ReputationDecay
	r.Alpha = r.Alpha * d / ppm
	r.Beta = r.Beta * d / ppm
	switch o {
	case outcomeSuccess:
		r.Alpha += ppm
		r.Successes++
	case outcomeWrong:
		r.Beta += ppm
		r.Failures++
	case outcomeLost:
		r.Beta += ppm / 2
		r.Lost++
	}
	r.Updated = c.height
	write(c.s, prefRep+addr, r)
}
