package browsertest

import (
	"strconv"
	"testing"
)

// TestPages loads every page of a gateway without a chain and checks what
// each shows.
func TestPages(t *testing.T) {
	n := freeNet(t)
	job := finishedJob(t)
	p := newPage(t, n.URL)

	p.open("/")
	p.expectTitle("Dashboard · OpenSky", "Dashboard")
	if got := p.text(`.stats div:first-child dd`); got != strconv.Itoa(netProviders) {
		t.Errorf("dashboard: providers online %q, want %d", got, netProviders)
	}
	p.expectText("Providers online", "Capacity", "Jobs by phase", "This gateway runs without a chain")
	if n := eval[int](p, `document.querySelectorAll("main figure svg").length`); n < 2 {
		t.Errorf("dashboard: %d charts, want 2", n)
	}
	if got := eval[string](p, `document.querySelector('nav a[aria-current="page"]')?.textContent ?? ""`); got != "Dashboard" {
		t.Errorf("dashboard: current nav entry %q, want Dashboard", got)
	}

	p.open("/jobs")
	p.expectTitle("Jobs · OpenSky", "Jobs")
	if !eval[bool](p, `[...document.querySelectorAll("main table a")].some(a => a.textContent === `+strconv.Quote(job.ID)+`)`) {
		t.Errorf("/jobs does not link job %s", job.ID)
	}
	p.open("/jobs?phase=completed")
	p.expectTitle("Jobs · OpenSky", "Jobs · completed")
	p.expectText(job.ID)

	p.open("/providers")
	p.expectTitle("Providers · OpenSky", "Providers")
	p.expectText(strconv.Itoa(netProviders) + " providers online")
	if rows := eval[int](p, `document.querySelectorAll("main tbody tr").length`); rows != netProviders {
		t.Errorf("/providers: %d rows, want %d", rows, netProviders)
	}
	if online := eval[int](p, `[...document.querySelectorAll("main tbody tr td:nth-child(2)")].filter(td => td.textContent.trim() === "online").length`); online != netProviders {
		t.Errorf("/providers: %d providers shown online, want %d", online, netProviders)
	}

	p.open("/chain")
	p.expectTitle("Chain · OpenSky", "Chain")
	p.expectText("This gateway runs without a chain")

	p.open("/jobs/" + job.ID)
	p.expectTitle("hello ("+job.ID+") · OpenSky", "Job "+job.ID)
	if got := p.text("#job-phase"); got != "completed" {
		t.Errorf("job page: phase %q, want completed", got)
	}
	p.expectText("Summary", "Timeline", "Tasks", "Verification", "Outputs", "wasm")
	if n := eval[int](p, `document.querySelectorAll("main .timeline li").length`); n == 0 {
		t.Error("job page: empty timeline")
	}
	// A finished job's page does not follow it any more.
	if live := eval[bool](p, `document.querySelector("[data-job-events]") !== null`); live {
		t.Error("job page: a completed job's page still subscribes to live updates")
	}
}

// TestChainPage loads the pages of a gateway that runs the OpenSky chain.
func TestChainPage(t *testing.T) {
	n := chainNet(t)
	p := newPage(t, n.URL)

	p.open("/chain")
	p.expectTitle("Chain · OpenSky", "Chain")
	p.expectText("Status", "Supply", "Market", "Chain ID", "Price index")
	height, err := strconv.Atoi(eval[string](p, `[...document.querySelectorAll("dt")].find(dt => dt.textContent === "Height").nextElementSibling.textContent.trim()`))
	if err != nil || height < 1 {
		t.Errorf("/chain: height %d (%v), want a block", height, err)
	}
	if got := eval[string](p, `[...document.querySelectorAll("dt")].find(dt => dt.textContent === "Validators").nextElementSibling.textContent.trim()`); got != "1" {
		t.Errorf("/chain: validators %q, want 1", got)
	}

	p.open("/")
	p.expectText("Height", "Price index", "More about the chain")
	if got := p.text(`.stats div:first-child dd`); got != strconv.Itoa(netProviders) {
		t.Errorf("dashboard: providers online %q, want %d", got, netProviders)
	}

	p.open("/providers")
	p.expectText("Stake", "Reputation", "Earned")
	if n := eval[int](p, `[...document.querySelectorAll("main tbody td")].filter(td => td.textContent.trim() === "not registered").length`); n != 0 {
		t.Errorf("/providers: %d providers not registered on the chain, want 0", n)
	}
}
