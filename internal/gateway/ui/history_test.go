package ui

import (
	"bytes"
	"context"
	"errors"
	"html/template"
	"strings"
	"testing"
	"time"
)

func TestSamplerRingKeepsTheLast(t *testing.T) {
	s := newSampler(time.Second, 3)
	for i := range 5 {
		s.add(historyPoint{Time: t0.Add(time.Duration(i) * time.Second), Providers: i})
	}
	got := s.points()
	if len(got) != 3 {
		t.Fatalf("%d points kept, want 3", len(got))
	}
	for i, p := range got {
		if p.Providers != i+2 {
			t.Errorf("point %d is the %dth taken, want the %dth (oldest first)", i, p.Providers, i+2)
		}
	}
}

// TestSamplerBoundAndStop runs the sampler at a millisecond: it keeps at
// most its bound, Close stops it for good, and the context stops it.
func TestSamplerBoundAndStop(t *testing.T) {
	b := &countingBackend{fakeBackend: newFakeBackend()}
	fixture(b.fakeBackend)
	h := New(b, WithHistory(time.Millisecond), WithChain(newFakeChain()))
	const bound = 4
	h.history.size = bound
	h.StartHistory(t.Context())
	h.StartHistory(t.Context()) // a second start does nothing
	waitUntil(t, "ten samples", func() bool { return b.calls.Load() >= 10 })
	h.Close() // returns once the sampler has ended
	taken := b.calls.Load()
	pts := h.history.points()
	if len(pts) != bound {
		t.Errorf("%d points kept after %d samples, want the bound %d", len(pts), taken, bound)
	}
	for i := 1; i < len(pts); i++ {
		if pts[i].Time.Before(pts[i-1].Time) {
			t.Errorf("points out of order: %v before %v", pts[i-1].Time, pts[i].Time)
		}
	}
	p := pts[len(pts)-1]
	if p.Providers != 2 || p.CPUOffered != 6000 || p.CPUInUse != 1000 || p.JobsActive != 1 || p.JobsFinished != 1 || !p.HasPrice || p.PriceIndex != 110 {
		t.Errorf("last point %+v, want the fixture's figures", p)
	}
	h.StartHistory(t.Context()) // stopped for good
	h.Close()
	if got := b.calls.Load(); got != taken {
		t.Errorf("%d samples after Close, want none", got-taken)
	}

	// Ending the context stops it too.
	h2 := New(b, WithHistory(time.Millisecond))
	ctx, cancel := context.WithCancel(t.Context())
	h2.StartHistory(ctx)
	cancel()
	h2.Close() // would hang if the sampler ran on
}

// TestSamplerSkipsFailures: a Backend that fails costs the point; a
// chain that fails only its price.
func TestSamplerSkipsFailures(t *testing.T) {
	b := newFakeBackend()
	fixture(b)
	c := newFakeChain()
	h := New(b, WithChain(c))
	h.sampleOnce(t.Context())
	b.failList = context.DeadlineExceeded
	h.sampleOnce(t.Context())
	b.failList = nil
	c.err = context.DeadlineExceeded
	h.sampleOnce(t.Context())
	pts := h.history.points()
	if len(pts) != 2 || !pts[0].HasPrice || pts[1].HasPrice {
		t.Errorf("points %+v, want two: with a price, then without", pts)
	}
}

// TestSamplerCountsWithJobCounter: a Backend that counts its jobs is
// asked for the counts instead of listing them.
func TestSamplerCountsWithJobCounter(t *testing.T) {
	b := newFakeBackend()
	fixture(b)
	b.failList = errors.New("the jobs are not listed")
	h := New(countedBackend{fakeBackend: b, active: 7, finished: 9})
	h.sampleOnce(t.Context())
	pts := h.history.points()
	if len(pts) != 1 || pts[0].JobsActive != 7 || pts[0].JobsFinished != 9 {
		t.Errorf("points %+v, want one with 7 active and 9 finished", pts)
	}
}

func TestHistoryCharts(t *testing.T) {
	b := newFakeBackend()
	h := New(b)
	v := h.historyCharts()
	if len(v.Charts) != 0 || v.Every != "10 seconds" {
		t.Errorf("no points: %d charts every %q, want none every 10 seconds", len(v.Charts), v.Every)
	}
	const n = 7
	for i := range n {
		h.history.add(historyPoint{
			Time: t0.Add(time.Duration(i) * 10 * time.Second), Providers: 2 + i%2,
			CPUOffered: 4000, CPUInUse: int64(500 * i), JobsActive: i, JobsFinished: 3 * i,
		})
	}
	v = h.historyCharts()
	if len(v.Charts) != 4 || v.Points != n || v.Span != "1 minute" {
		t.Fatalf("%d charts of %d points over %q, want 4 charts (no price without a chain) of %d over 1 minute", len(v.Charts), v.Points, v.Span, n)
	}
	want := map[string]int{"providers-over-time": n, "capacity-over-time": n, "jobs-over-time": n, "throughput-over-time": n - 1}
	for _, c := range v.Charts {
		if got := c.Points(); got != want[c.ID] {
			t.Errorf("chart %s: %d points, want %d", c.ID, got, want[c.ID])
		}
	}
	// Three jobs finished every ten seconds: 18 a minute.
	for _, p := range v.Charts[3].Series[0].Points {
		if p.Y != 18 {
			t.Errorf("throughput %v, want 18 per minute", p.Y)
		}
	}

	// With prices, a fifth chart; a point without one is left out.
	h.history.add(historyPoint{Time: t0.Add(time.Minute + 10*time.Second), PriceIndex: 120, HasPrice: true, JobsFinished: 0})
	h.history.add(historyPoint{Time: t0.Add(time.Minute + 20*time.Second), PriceIndex: 130, HasPrice: true})
	v = h.historyCharts()
	if len(v.Charts) != 5 || v.Charts[4].ID != "price-over-time" || v.Charts[4].Points() != 2 {
		t.Fatalf("charts %d, want a fifth with the 2 prices", len(v.Charts))
	}
	// A count that went down is no negative throughput.
	for _, p := range v.Charts[3].Series[0].Points {
		if p.Y < 0 {
			t.Errorf("negative throughput %v", p.Y)
		}
	}
}

// TestHistoryTemplate renders the dashboard's partial as the dashboard
// will: the charts, or a word on when the first point comes.
func TestHistoryTemplate(t *testing.T) {
	tpl := template.Must(template.New("t").Funcs(funcs).ParseFS(templateFS, "templates/history.html"))
	render := func(v historyView) string {
		var buf bytes.Buffer
		if err := tpl.ExecuteTemplate(&buf, "history", v); err != nil {
			t.Fatal(err)
		}
		return buf.String()
	}
	h := New(newFakeBackend(), WithHistory(30*time.Second))
	out := render(h.historyCharts())
	wantAll(t, "history", out, `<h2 id="history-h">Over time</h2>`, "No history yet", "every 30 seconds")
	h.history.add(historyPoint{Time: t0, Providers: 3})
	h.history.add(historyPoint{Time: t0.Add(30 * time.Second), Providers: 4})
	out = render(h.historyCharts())
	wantAll(t, "history", out, `<title id="providers-over-time-title">Providers online</title>`,
		`<title id="throughput-over-time-title">Throughput</title>`, "keeps the last 2 (30 seconds)")
	if got := strings.Count(out, "<svg "); got != 4 {
		t.Errorf("%d charts, want 4", got)
	}
}

// waitUntil polls cond until it holds, failing the test after a while.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("no %s after 10s", what)
		}
		time.Sleep(time.Millisecond)
	}
}
