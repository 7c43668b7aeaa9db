package ui

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/opensky-network/opensky/internal/api"
)

func TestDashboard(t *testing.T) {
	srv, _ := newTestUI(t, newFakeChain())
	body := getPage(t, srv, "/", http.StatusOK)
	wantAll(t, "/", body,
		"<dt>Providers online</dt><dd>2</dd>",
		"<dt>Jobs active</dt><dd>1</dd>",
		"<dt>Jobs finished</dt><dd>1</dd>",
		"<td>6 cores</td><td>1 core</td>",   // CPU offered, in use
		"<td>12.0 GiB</td><td>2.0 GiB</td>", // memory
		"<td>150.0 GiB</td><td>10.0 GiB</td>",
		"<td>1</td><td>0</td>", // GPU
		`<title id="jobs-by-phase-title">Jobs by phase</title>`,
		`<title id="capacity-title">Capacity in use</title>`,
		`href="/jobs?phase=running"`,
		"<dt>Height</dt><dd>1234</dd>",
		"$0.000110", // price index
		"$1000000.000000",
		"$42.000000",
	)
}

func TestDashboardWithoutChain(t *testing.T) {
	srv, _ := newTestUI(t, nil)
	body := getPage(t, srv, "/", http.StatusOK)
	wantAll(t, "/", body, "This gateway runs without a chain", "<dt>Providers online</dt><dd>2</dd>")
}

func TestDashboardChainDown(t *testing.T) {
	c := newFakeChain()
	c.err = errors.New("connection refused")
	srv, _ := newTestUI(t, c)
	body := getPage(t, srv, "/", http.StatusOK)
	wantAll(t, "/", body, "The chain did not answer")
	if strings.Contains(body, "connection refused") {
		t.Error("the dashboard shows the chain's internal error")
	}
	getPage(t, srv, "/chain", http.StatusServiceUnavailable)
}

func TestJobsList(t *testing.T) {
	srv, _ := newTestUI(t, nil)
	body := getPage(t, srv, "/jobs", http.StatusOK)
	wantAll(t, "/jobs", body, `<a href="/jobs/job-done">job-done</a>`, `<a href="/jobs/job-run">job-run</a>`,
		"word count", `<label for="phase">Phase</label>`, "2 jobs")
	if strings.Index(body, "job-run") > strings.Index(body, "job-done") {
		t.Error("the list is not newest first")
	}

	body = getPage(t, srv, "/jobs?phase=completed", http.StatusOK)
	wantAll(t, "/jobs?phase=completed", body, "job-done", `<option value="completed" selected>`)
	if strings.Contains(body, `href="/jobs/job-run"`) {
		t.Error("the completed filter lists a running job")
	}

	body = getPage(t, srv, "/jobs?phase=failed", http.StatusOK)
	wantAll(t, "/jobs?phase=failed", body, "No jobs in phase failed")

	body = getPage(t, srv, "/jobs?phase=bogus", http.StatusBadRequest)
	wantAll(t, "/jobs?phase=bogus", body, "Unknown phase", `&#34;bogus&#34;`)
}

func TestJobsListBackendDown(t *testing.T) {
	srv, b := newTestUI(t, nil)
	b.failList = errors.New("orchestrator store closed: secret detail")
	body := getPage(t, srv, "/jobs", http.StatusServiceUnavailable)
	wantAll(t, "/jobs", body, "could not load the jobs")
	if strings.Contains(body, "secret detail") {
		t.Error("the error page shows the backend's internal error")
	}
}

func TestJobPage(t *testing.T) {
	srv, _ := newTestUI(t, newFakeChain())
	body := getPage(t, srv, "/jobs/job-done", http.StatusOK)
	wantAll(t, "/jobs/job-done", body,
		"Job job-done", "word count",
		`<span id="job-phase" class="phase phase-ok">completed</span>`,
		// Timeline.
		"dispatched to 2 providers", "verified and settled",
		// Tasks with providers, phase, price, output root.
		"job-done-s0-r0", "job-done-s0-r1", `title="`+peerA+`"`, "$0.600000", "$0.650000",
		`title="bafyTASKROOT0000000000000000"`,
		// Verification.
		"Mode <strong>quorum</strong>", `<strong class="verdict-accepted">accepted</strong>`, "2 of 2 executions agree",
		// Payment.
		"escrow-42", "$5.000000", "$1.250000", "$0.012500", "$3.737500", "at height 99",
		// Outputs, downloading from the API with each path segment escaped.
		`href="/api/v1/jobs/job-done/outputs/0/counts/result%20file.txt"`, "2.0 KiB",
		`href="/api/v1/jobs/job-done/logs"`,
	)
	// A finished job is not followed.
	if strings.Contains(body, "data-job-events") || strings.Contains(body, "job.js") {
		t.Error("a terminal job's page subscribes to events")
	}

	body = getPage(t, srv, "/jobs/job-run", http.StatusOK)
	wantAll(t, "/jobs/job-run", body,
		`data-job-events="/jobs/job-run/events"`, `data-job-version="2"`,
		`<script src="/static/job.js" defer></script>`,
		"No verdict yet", "This job is not paid through the chain", "No output files yet")
}

func TestJobNotFound(t *testing.T) {
	srv, _ := newTestUI(t, nil)
	body := getPage(t, srv, "/jobs/nope", http.StatusNotFound)
	wantAll(t, "/jobs/nope", body, "Job not found", "There is no job &#34;nope&#34;")
	getPage(t, srv, "/jobs/nope/events", http.StatusNotFound)
	body = getPage(t, srv, "/no/such/page", http.StatusNotFound)
	wantAll(t, "/no/such/page", body, "Page not found")
}

func TestMethodNotAllowed(t *testing.T) {
	srv, _ := newTestUI(t, nil)
	res, err := srv.Client().Post(srv.URL+"/jobs", "text/plain", strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusMethodNotAllowed || res.Header.Get("Allow") != "GET, HEAD" {
		t.Errorf("POST /jobs: %d, Allow %q", res.StatusCode, res.Header.Get("Allow"))
	}
}

func TestProviders(t *testing.T) {
	srv, _ := newTestUI(t, newFakeChain())
	body := getPage(t, srv, "/providers", http.StatusOK)
	wantAll(t, "/providers", body,
		"2 providers online",
		`title="`+peerA+`"`, `title="`+peerB+`"`, `title="`+peerC+`"`,
		"wasm, docker", "3 cores / 4 cores", "6.0 GiB / 8.0 GiB", "$0.000100",
		"$250.000000", "87.5%", "$3.000000", // peerA's stake, score, earnings
		"not registered", // peerB
		"offline",        // peerC
	)
	if strings.Index(body, peerC) < strings.Index(body, peerB) {
		t.Error("an offline provider is listed before the online ones")
	}
}

func TestProvidersWithoutChain(t *testing.T) {
	srv, _ := newTestUI(t, nil)
	body := getPage(t, srv, "/providers", http.StatusOK)
	wantAll(t, "/providers", body, "2 providers online", "3 cores / 4 cores")
	for _, s := range []string{"Stake", "Reputation", peerC} {
		if strings.Contains(body, s) {
			t.Errorf("without a chain the page shows %q", s)
		}
	}
}

func TestChainPage(t *testing.T) {
	srv, _ := newTestUI(t, newFakeChain())
	body := getPage(t, srv, "/chain", http.StatusOK)
	wantAll(t, "/chain", body, "opensky-test", "<dd>1234</dd>", "1.00%", "5Arbiter",
		"$1000000.000000", "$42.000000", "$0.000110 per CPU-second", "$7.000000")

	srv, _ = newTestUI(t, nil)
	body = getPage(t, srv, "/chain", http.StatusOK)
	wantAll(t, "/chain", body, "This gateway runs without a chain")
}

func TestStatic(t *testing.T) {
	srv, _ := newTestUI(t, nil)
	for path, ct := range map[string]string{"/static/style.css": "text/css", "/static/job.js": "text/javascript"} {
		status, h, body := get(t, srv, path)
		if status != http.StatusOK || !strings.HasPrefix(h.Get("Content-Type"), ct) || body == "" {
			t.Errorf("GET %s: %d %q, %d bytes", path, status, h.Get("Content-Type"), len(body))
		}
	}
	if status, _, _ := get(t, srv, "/static/"); status != http.StatusNotFound {
		t.Errorf("GET /static/: %d, want 404 (no listing)", status)
	}
}

// A job's name, reason, events and outputs come from whoever submitted it
// or ran it: they must never reach the page as markup.
func TestHostileJobIsEscaped(t *testing.T) {
	srv, b := newTestUI(t, nil)
	const evil = `<script>alert(1)</script><img src=x onerror=alert(2)>`
	j := api.Job{ID: "job-evil", Version: 1, Phase: api.PhaseFailed, Reason: evil, ErrorCode: evil, CreatedAt: t0,
		Events:       []api.Event{{Phase: api.PhaseFailed, Message: evil}},
		Tasks:        []api.Task{{ID: evil, Provider: evil, Error: evil, OutputRoot: evil, Phase: api.PhaseFailed}},
		Verification: &api.Verification{Mode: evil, Verdict: evil, Shards: []api.ShardVerdict{{Verdict: evil, Why: evil, Root: evil}}},
		Payment:      &api.Payment{Escrow: evil, State: evil, Error: evil, TxHash: evil}}
	j.Spec.Name = evil
	j.Spec.Engine = evil
	b.put(j)
	b.outputs["job-evil"] = []api.OutputFile{{Path: `"><script>alert(3)</script>`, Hash: evil}}
	for _, path := range []string{"/jobs/job-evil", "/jobs", "/"} {
		body := getPage(t, srv, path, http.StatusOK)
		for _, raw := range []string{"<script>alert", "<img src=x", `"><script>`} {
			if strings.Contains(body, raw) {
				t.Errorf("GET %s: the page contains %q unescaped", path, raw)
			}
		}
	}
	body := getPage(t, srv, "/jobs/job-evil", http.StatusOK)
	wantAll(t, "/jobs/job-evil", body, "&lt;script&gt;alert(1)&lt;/script&gt;",
		`href="/api/v1/jobs/job-evil/outputs/0/%22%3E%3Cscript%3Ealert%283%29%3C/script%3E"`)
}
