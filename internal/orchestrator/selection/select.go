package selection

import (
	"cmp"
	"slices"
)

// Outcome is the result of a selection: the best feasible candidates,
// best first, and what the scan saw.
type Outcome struct {
	Ranked []Ranked
	// Feasible counts the candidates that passed every filter; Ranked
	// holds at most Request.Limit of them.
	Feasible int
	// Visited counts the candidates the scan looked at, from Start on.
	Visited int

	filters []Filter
	req     *Request
	cands   []Candidate
	start   int
}

// Rejected says, for every candidate the scan visited and a filter ruled
// out, which filter and why ("resources: cpu 500m free, 1000m needed").
// Nothing is recorded while scanning: the filters run again over the
// visited candidates here, so call it before changing the request or the
// candidates.
func (o *Outcome) Rejected() map[string]string {
	out := map[string]string{}
	n := len(o.cands)
	if n == 0 {
		return out
	}
	r := o.req
	r.prepare()
	defer r.done()
	for v := range o.Visited {
		c := &o.cands[(o.start+v)%n]
		for _, f := range o.filters {
			if !f.Feasible(r, c) {
				out[c.Peer] = f.Name() + ": " + f.Why(r, c)
				break
			}
		}
	}
	return out
}

// scored is a feasible candidate, by index, with its score.
type scored struct {
	idx   int32
	score float64
}

// Select runs the pipeline over cands: every candidate the scan visits
// goes through the filters in order until one rules it out; the survivors
// are scored by the weighted rankers; the best r.Limit (all when 0) come
// back best first, ties broken by peer ID. Select only reads: it does not
// reserve anything, and the same snapshot can serve many placements.
func (p Pipeline) Select(r *Request, cands []Candidate) Outcome {
	r.prepare()
	defer r.done()
	out := Outcome{filters: p.Filters, req: r, cands: cands}
	n := len(cands)
	if n == 0 {
		return out
	}
	start := r.Start % n
	if start < 0 {
		start += n
	}
	out.start = start
	// Leave out the filters with nothing to check for this request.
	var buf [16]Filter
	filters := buf[:0]
	for _, f := range p.Filters {
		if a, ok := f.(Applier); !ok || a.Applies(r) {
			filters = append(filters, f)
		}
	}
	var top topK
	top.init(r.Limit, cands)
	i := start
next:
	for range n {
		c := &cands[i]
		idx := i
		if i++; i == n {
			i = 0
		}
		out.Visited++
		for _, f := range filters {
			if !f.Feasible(r, c) {
				continue next
			}
		}
		var score float64
		for _, w := range p.Rankers {
			score += w.Weight * w.Ranker.Score(r, c)
		}
		top.offer(scored{int32(idx), score})
		if out.Feasible++; r.Sample > 0 && out.Feasible >= r.Sample {
			break
		}
	}
	out.Ranked = top.ranked()
	return out
}

// topK keeps the best k scored candidates (all of them when k is 0) in
// order. With a small k most offers cost one comparison with the worst
// kept, so a placement does not sort the whole network.
type topK struct {
	k     int
	cands []Candidate
	best  []scored
}

func (t *topK) init(k int, cands []Candidate) {
	t.k, t.cands = k, cands
	if k > 0 {
		t.best = make([]scored, 0, k)
	}
}

// better orders scores high first, then peer IDs.
func (t *topK) better(a, b scored) bool {
	if a.score != b.score {
		return a.score > b.score
	}
	return t.cands[a.idx].Peer < t.cands[b.idx].Peer
}

func (t *topK) offer(s scored) {
	if t.k <= 0 {
		t.best = append(t.best, s)
		return
	}
	if len(t.best) == t.k && !t.better(s, t.best[t.k-1]) {
		return
	}
	// Insert in order; k is small (a few bid rounds' worth).
	pos := len(t.best)
	for pos > 0 && t.better(s, t.best[pos-1]) {
		pos--
	}
	if len(t.best) < t.k {
		t.best = append(t.best, scored{})
	}
	copy(t.best[pos+1:], t.best[pos:len(t.best)-1])
	t.best[pos] = s
}

func (t *topK) ranked() []Ranked {
	if t.k <= 0 {
		slices.SortFunc(t.best, func(a, b scored) int {
			if c := cmp.Compare(b.score, a.score); c != 0 {
				return c
			}
			return cmp.Compare(t.cands[a.idx].Peer, t.cands[b.idx].Peer)
		})
	}
	if len(t.best) == 0 {
		return nil
	}
	out := make([]Ranked, len(t.best))
	for i, s := range t.best {
		out[i] = Ranked{Candidate: t.cands[s.idx], Score: s.score}
	}
	return out
}
