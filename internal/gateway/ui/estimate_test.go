package ui

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/opensky-network/opensky/internal/api"
)

func TestEstimate(t *testing.T) {
	srv, b := newSubmitUI(t, DefaultMaxModule, newFakeChain()) // fee 100 bps
	// A docker-only provider's price does not count for a wasm job.
	b.providers = append(b.providers, api.Provider{Peer: peerC, Engines: []string{"docker"}, PricePerCPUSecond: 1})

	getEstimate := func(query string) priceEstimate {
		t.Helper()
		status, h, body := get(t, srv, "/submit/estimate?"+query)
		if status != http.StatusOK || h.Get("Content-Type") != "application/json" {
			t.Fatalf("GET /submit/estimate?%s: %d %q", query, status, h.Get("Content-Type"))
		}
		var e priceEstimate
		if err := json.Unmarshal([]byte(body), &e); err != nil {
			t.Fatal(err)
		}
		return e
	}

	// 16 tasks of 1 core for 1 minute: 60 CPU-seconds each, at 100 and
	// 120 micro-USD per CPU-second.
	e := getEstimate("shards=16&cpu=1&timeout=1m")
	want := priceEstimate{OK: true, Tasks: 16, Providers: 2, CheapestTask: 6000, MedianTask: 7200,
		Cheapest: 96_000 + 960, Median: 115_200 + 1152, FeeBps: 100, HasChain: true}
	want.Text = e.Text
	if e != want {
		t.Errorf("estimate\n got %+v\nwant %+v", e, want)
	}
	if e.Text != "Worst case for 16 tasks: $0.096960 at the cheapest provider's price, $0.116352 at the median provider's (of 2 online), including the 1.00% protocol fee." {
		t.Errorf("text %q", e.Text)
	}

	// Replicas multiply the tasks; spot-check counts three runs a shard.
	if e := getEstimate("shards=2&replicas=3&verification=quorum&cpu=500m&timeout=10s"); e.Tasks != 6 || e.CheapestTask != 500 {
		t.Errorf("quorum estimate %+v", e)
	}
	if e := getEstimate("shards=2&verification=spot-check"); e.Tasks != 6 {
		t.Errorf("spot-check estimate %+v", e)
	}
	// A provider's minimum price is a floor per task.
	b.providers[0].MinPrice = 50_000
	if e := getEstimate("shards=1&cpu=1&timeout=1m"); e.CheapestTask != 7200 || e.MedianTask != 50_000 {
		t.Errorf("estimate with a minimum price %+v", e)
	}
	if e := getEstimate("shards=lots"); e.OK || e.Text == "" {
		t.Errorf("estimate of a bad form %+v", e)
	}

	// The form shows it.
	body := getPage(t, srv, "/submit?template=pi", http.StatusOK)
	wantAll(t, "/submit", body, "Worst case for 16 tasks", "$0.116352 at the cheapest", "$0.808000 at the median") // after the minimum price above
}

func TestEstimateWithoutChainOrProviders(t *testing.T) {
	srv, b := newSubmitUI(t, DefaultMaxModule, nil)
	body := getPage(t, srv, "/submit?shards=1&cpu=1&timeout=1m", http.StatusOK)
	wantAll(t, "/submit", body, "$0.006000 at the cheapest", "This gateway has no chain: nothing is charged.")
	b.providers = nil
	body = getPage(t, srv, "/submit", http.StatusOK)
	wantAll(t, "/submit", body, "no provider online runs WebAssembly")
}
