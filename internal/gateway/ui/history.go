package ui

import (
	"context"
	"sync"
	"time"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/ledger"
)

// The Backend and the Chain only know the present, so the Handler keeps
// the recent past itself: from StartHistory on, a sampler takes a point
// of the network's figures (providers online, CPU offered and in use,
// jobs active and finished, the price index) every interval and keeps the
// last DefaultHistoryPoints of them in a ring, for the dashboard's charts
// over time (historyCharts). Nothing is kept across restarts.

// Defaults of the sampler.
const (
	// DefaultHistoryEvery is how often the sampler takes a point.
	DefaultHistoryEvery = 10 * time.Second
	// DefaultHistoryPoints is how many points it keeps: an hour at the
	// default interval.
	DefaultHistoryPoints = 360
)

// Bounds of one sample.
const (
	// sampleTimeout bounds the calls of one sample.
	sampleTimeout = 5 * time.Second
	// maxSampledJobs bounds the jobs one sample counts.
	maxSampledJobs = 10_000
)

// WithHistory sets how often the sampler of the dashboard's charts over
// time takes a point (DefaultHistoryEvery when not positive). The
// sampler runs from StartHistory until its context ends or Close.
func WithHistory(every time.Duration) Option {
	return func(h *Handler) {
		if every > 0 {
			h.history.every = every
		}
	}
}

// JobCounter is the optional part of a Backend that counts jobs without
// listing them: with it the sampler's cost does not grow with the jobs
// kept. Without it the sampler counts the newest maxSampledJobs jobs of
// ListJobs.
type JobCounter interface {
	// JobCounts returns how many jobs have not finished and how many
	// have.
	JobCounts(ctx context.Context) (active, finished int, err error)
}

// historyPoint is the network's figures at one time.
type historyPoint struct {
	Time         time.Time
	Providers    int
	CPUOffered   int64 // millicores
	CPUInUse     int64 // millicores
	JobsActive   int
	JobsFinished int
	// PriceIndex is the chain's, in micro-USD per CPU-second; HasPrice
	// is false without a chain or when it did not answer.
	PriceIndex int64
	HasPrice   bool
}

// sampler takes the points and keeps the last size of them. It is safe
// for concurrent use.
type sampler struct {
	every time.Duration
	size  int

	mu   sync.Mutex
	ring []historyPoint // at most size points; the oldest at head once full
	head int

	life    sync.Mutex
	started bool
	cancel  context.CancelFunc
	done    chan struct{}
}

func newSampler(every time.Duration, size int) *sampler {
	return &sampler{every: every, size: max(size, 1)}
}

// add keeps p, dropping the oldest point when the ring is full.
func (s *sampler) add(p historyPoint) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.ring) < s.size {
		s.ring = append(s.ring, p)
		return
	}
	s.ring[s.head] = p
	s.head = (s.head + 1) % s.size
}

// points returns the points kept, oldest first.
func (s *sampler) points() []historyPoint {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]historyPoint, 0, len(s.ring))
	out = append(out, s.ring[s.head:]...)
	return append(out, s.ring[:s.head]...)
}

// StartHistory starts the sampler of the dashboard's charts over time:
// it takes a point now and then every interval (WithHistory) until ctx
// ends or Close is called. Only the first call starts it; once stopped it
// does not start again.
func (h *Handler) StartHistory(ctx context.Context) {
	s := h.history
	s.life.Lock()
	defer s.life.Unlock()
	if s.started {
		return
	}
	s.started = true
	ctx, s.cancel = context.WithCancel(ctx)
	s.done = make(chan struct{})
	go h.runHistory(ctx, s.done)
}

// Close stops the sampler, if it runs, and waits for it to end. The
// pages go on serving, with the points taken so far.
func (h *Handler) Close() {
	s := h.history
	s.life.Lock()
	s.started = true // a later StartHistory does nothing
	cancel, done := s.cancel, s.done
	s.life.Unlock()
	if cancel != nil {
		cancel()
		<-done
	}
}

// runHistory takes a point every interval until ctx ends.
func (h *Handler) runHistory(ctx context.Context, done chan<- struct{}) {
	defer close(done)
	t := time.NewTicker(h.history.every)
	defer t.Stop()
	for {
		h.sampleOnce(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// sampleOnce takes one point and keeps it; a Backend that does not
// answer costs the point, a chain that does not answer only its price.
func (h *Handler) sampleOnce(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, sampleTimeout)
	defer cancel()
	p, err := h.sample(ctx)
	if err != nil {
		if ctx.Err() == nil {
			h.log.Debug("history sample failed", "err", err)
		}
		return
	}
	h.history.add(p)
}

// sample reads the network's figures now.
func (h *Handler) sample(ctx context.Context) (historyPoint, error) {
	p := historyPoint{Time: time.Now()}
	ps, err := h.b.Providers(ctx)
	if err != nil {
		return p, err
	}
	c := sumCapacity(ps)
	p.Providers, p.CPUOffered, p.CPUInUse = len(ps), c.Offered.MilliCPU, c.InUse.MilliCPU
	if p.JobsActive, p.JobsFinished, err = h.countJobs(ctx); err != nil {
		return p, err
	}
	if h.chain != nil {
		var m ledger.Market
		if err := chainQuery(ctx, h.chain, ledger.QueryMarket, &m); err == nil {
			p.PriceIndex, p.HasPrice = m.PriceIndex, true
		} else if ctx.Err() == nil {
			h.log.Debug("history sample: no price index", "err", err)
		}
	}
	return p, nil
}

// countJobs counts the jobs not finished and finished.
func (h *Handler) countJobs(ctx context.Context) (active, finished int, err error) {
	if c, ok := h.b.(JobCounter); ok {
		return c.JobCounts(ctx)
	}
	jobs, err := h.b.ListJobs(ctx, api.ListOptions{Limit: maxSampledJobs})
	if err != nil {
		return 0, 0, err
	}
	for _, j := range jobs {
		if j.Phase.Terminal() {
			finished++
		} else {
			active++
		}
	}
	return active, finished, nil
}
