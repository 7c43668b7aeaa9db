package verify

// TrackRecord is what the chain says of a provider: its reputation score
// in (0, 1] (the mean of a decaying Beta record, (α+1)/(α+β+2)) and, when
// known, the weight of its recent verified results.
type TrackRecord struct {
	Score float64
	// Successes is the weight of recent verified results (α); when the
	// chain reports only the score, SuccessesFromScore bounds it.
	Successes float64
}

// TrustPolicy says when auto verification accepts a provider's result
// without a second replica.
type TrustPolicy struct {
	// MinScore is the lowest reputation score trusted.
	MinScore float64
	// MinSuccesses is the least weight of recent verified results.
	MinSuccesses float64
}

// DefaultTrust trusts a provider with a score of at least 0.95 and at
// least 20 recent verified results. With the chain's decay of 0.99 per
// outcome, one wrong result (β=1) needs about 37 clean ones after it to
// climb back to 0.95, so a recently wrong provider is always replicated,
// and so is a newcomer (score 0.5).
var DefaultTrust = TrustPolicy{MinScore: 0.95, MinSuccesses: 20}

// Trusted reports whether r is good enough to be accepted alone.
func (p TrustPolicy) Trusted(r TrackRecord) bool {
	return r.Score >= p.MinScore && r.Successes >= p.MinSuccesses
}

// SuccessesFromScore is the least weight of verified results a provider
// with this score can have: from s = (α+1)/(α+β+2) with β ≥ 0,
// α ≥ (2s−1)/(1−s). A perfect score means the record is unbounded.
func SuccessesFromScore(s float64) float64 {
	switch {
	case s >= 1:
		return 1e18
	case s <= 0.5:
		return 0
	}
	return (2*s - 1) / (1 - s)
}
