package ui

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/ledger"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// Peers of the fixture.
const (
	peerA = "12D3KooWProviderAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	peerB = "12D3KooWProviderBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"
	peerC = "12D3KooWProviderCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC" // registered, offline
)

// fixture fills b with a finished job (tasks, verification, payment,
// outputs), a running job and two providers online.
func fixture(b *fakeBackend) {
	done := api.Job{
		ID: "job-done", Version: 7, Phase: api.PhaseCompleted, Cost: 1_250_000,
		OutputRoot: "bafyROOTdone0000000000000000000000", CreatedAt: t0, UpdatedAt: t0.Add(time.Minute),
		Events: []api.Event{
			{Time: t0, Phase: api.PhaseQueued, Message: "accepted"},
			{Time: t0.Add(time.Second), Phase: api.PhaseRunning, Message: "dispatched to 2 providers"},
			{Time: t0.Add(time.Minute), Phase: api.PhaseCompleted, Message: "verified and settled"},
		},
		Tasks: []api.Task{
			{ID: "job-done-s0-r0", Shard: 0, Replica: 0, Provider: peerA, Phase: api.PhaseCompleted, OutputRoot: "bafyTASKROOT0000000000000000", Price: 600_000},
			{ID: "job-done-s0-r1", Shard: 0, Replica: 1, Provider: peerB, Phase: api.PhaseCompleted, OutputRoot: "bafyTASKROOT0000000000000000", Price: 650_000, ExitCode: 0},
		},
		Verification: &api.Verification{Mode: "quorum", Verdict: api.VerdictAccepted, Shards: []api.ShardVerdict{{
			Shard: 0, Verdict: api.VerdictAccepted, Root: "bafyTASKROOT0000000000000000",
			Agreeing: []api.Vote{{Task: "job-done-s0-r0", Provider: peerA}, {Task: "job-done-s0-r1", Provider: peerB}},
			Why:      "2 of 2 executions agree",
		}}},
		Payment: &api.Payment{Escrow: "escrow-42", Budget: 5_000_000, State: api.PaymentSettled, Outcome: "completed",
			Paid: 1_250_000, Fee: 12_500, Refunded: 3_737_500, TxHash: "ABCDEF0123456789ABCDEF", Height: 99},
	}
	done.Spec.Name = "word count"
	done.Spec.Engine = "wasm"
	done.Spec.Shards = 1
	b.put(done)
	b.outputs["job-done"] = []api.OutputFile{{Shard: 0, Path: "counts/result file.txt", Size: 2048, Hash: "sha256:abc"}}

	running := api.Job{ID: "job-run", Version: 2, Phase: api.PhaseRunning, CreatedAt: t0.Add(time.Hour),
		Tasks: []api.Task{{ID: "job-run-s0-r0", Provider: peerA, Phase: api.PhaseRunning}}}
	running.Spec.Engine = "docker"
	running.Spec.Image = "busybox:local"
	b.put(running)

	b.providers = []api.Provider{
		{Peer: peerA, Engines: []string{"wasm", "docker"}, PricePerCPUSecond: 100, LastSeen: t0,
			Total: api.Capacity{MilliCPU: 4000, MemoryBytes: 8 << 30, DiskBytes: 100 << 30, GPUs: 1},
			Free:  api.Capacity{MilliCPU: 3000, MemoryBytes: 6 << 30, DiskBytes: 90 << 30, GPUs: 1}},
		{Peer: peerB, Engines: []string{"wasm"}, PricePerCPUSecond: 120, LastSeen: t0,
			Total: api.Capacity{MilliCPU: 2000, MemoryBytes: 4 << 30, DiskBytes: 50 << 30},
			Free:  api.Capacity{MilliCPU: 2000, MemoryBytes: 4 << 30, DiskBytes: 50 << 30}},
	}
}

// newFakeChain returns a chain on which peerA and peerC are registered.
func newFakeChain() *fakeChain {
	c := &fakeChain{
		info:   api.ChainInfo{ChainID: "opensky-test", Height: 1234, Validators: 1, FeeBps: 100, Arbiter: "5Arbiter"},
		market: ledger.Market{PriceIndex: 110, Samples: 9, Jobs: 4, Volume: 7_000_000},
	}
	c.supply.Total = 1_000_000_000_000
	c.supply.Treasury = 42_000_000
	c.supply.Genesis = 1_000_000_000_000
	c.providers = []ledger.ProviderView{
		{Provider: ledger.Provider{Address: "5ProviderA", PeerID: peerA, Active: true, Stake: 250_000_000, Earned: 3_000_000}, Score: 875_000},
		{Provider: ledger.Provider{Address: "5ProviderC", PeerID: peerC, Active: true, Stake: 100_000_000, PricePerCPUSecond: 90}, Score: 500_000},
	}
	return c
}

// newTestUI returns a test server over a fixture; c may be nil.
func newTestUI(t *testing.T, c Chain) (*httptest.Server, *fakeBackend) {
	t.Helper()
	b := newFakeBackend()
	fixture(b)
	opts := []Option{WithNotFound(errNotFound)}
	if c != nil {
		opts = append(opts, WithChain(c))
	}
	srv := httptest.NewServer(New(b, opts...))
	t.Cleanup(srv.Close)
	return srv, b
}

// get fetches path and returns the status and body.
func get(t *testing.T, srv *httptest.Server, path string) (int, http.Header, string) {
	t.Helper()
	res, err := srv.Client().Get(srv.URL + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("GET %s: read: %v", path, err)
	}
	return res.StatusCode, res.Header, string(body)
}

// getPage fetches an HTML page, checks its status and structure, and
// returns its body.
func getPage(t *testing.T, srv *httptest.Server, path string, status int) string {
	t.Helper()
	got, h, body := get(t, srv, path)
	if got != status {
		t.Fatalf("GET %s: status %d, want %d; body:\n%s", path, got, status, body)
	}
	if ct := h.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("GET %s: Content-Type %q", path, ct)
	}
	if h.Get("Content-Security-Policy") == "" {
		t.Errorf("GET %s: no Content-Security-Policy", path)
	}
	checkHTML(t, path, body)
	return body
}

// wantAll fails for each of subs that body does not contain.
func wantAll(t *testing.T, path, body string, subs ...string) {
	t.Helper()
	for _, s := range subs {
		if !strings.Contains(body, s) {
			t.Errorf("GET %s: body lacks %q", path, s)
		}
	}
}

// checkHTML parses a page and checks the accessibility basics: a
// language, one main and one h1, headings that do not skip a level, a
// skip link to main, a label for every form field, a title for every
// chart, and no inline script.
func checkHTML(t *testing.T, path, body string) {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatalf("GET %s: HTML does not parse: %v", path, err)
	}
	var (
		lang, mainID      string
		mains, h1s, level int
		skip              bool
		labels            = map[string]bool{}
		fields            []string
	)
	var walk func(n *html.Node, inLabel bool)
	walk = func(n *html.Node, inLabel bool) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "html":
				lang = attr(n, "lang")
			case "main":
				mains++
				mainID = attr(n, "id")
			case "h1", "h2", "h3", "h4", "h5", "h6":
				l := int(n.Data[1] - '0')
				if l == 1 {
					h1s++
				}
				if l > level+1 {
					t.Errorf("GET %s: <%s> follows <h%d>", path, n.Data, level)
				}
				level = l
			case "a":
				if attr(n, "href") == "#main" && !skip && textOf(n) != "" {
					skip = true
				}
			case "label":
				labels[attr(n, "for")] = true
				inLabel = true
			case "input", "select", "textarea":
				if typ := attr(n, "type"); typ != "hidden" && typ != "submit" && !inLabel {
					fields = append(fields, attr(n, "id"))
				}
			case "script":
				if attr(n, "src") == "" {
					t.Errorf("GET %s: inline <script>: %q", path, textOf(n))
				}
			case "svg":
				if c := n.FirstChild; c == nil || c.Data != "title" || textOf(c) == "" {
					t.Errorf("GET %s: an <svg> does not start with a <title>", path)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, inLabel)
		}
	}
	walk(doc, false)
	if lang == "" {
		t.Errorf("GET %s: <html> has no lang", path)
	}
	if mains != 1 || mainID != "main" {
		t.Errorf("GET %s: %d <main> (id %q), want one with id main", path, mains, mainID)
	}
	if h1s != 1 {
		t.Errorf("GET %s: %d <h1>, want 1", path, h1s)
	}
	if !skip {
		t.Errorf("GET %s: no skip link to #main", path)
	}
	for _, id := range fields {
		if id == "" || !labels[id] {
			t.Errorf("GET %s: form field %q has no label", path, id)
		}
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.TrimSpace(b.String())
}

// newServer serves h for the test.
func newServer(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}
