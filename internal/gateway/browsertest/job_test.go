package browsertest

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestJobLive runs a job that takes a few seconds and writes an output
// file, opens its page while it runs, watches the page follow it to
// completed, and downloads the output through the page's link.
func TestJobLive(t *testing.T) {
	n := freeNet(t)
	o := n.Gateway.Orchestrator
	const want = "written to /outputs by the browser test\n"
	j := submit(t, o, "live", writeOutput(1, want))

	p := newPage(t, n.URL)
	p.open("/jobs/" + j.ID)
	first := p.text("#job-phase")
	t.Logf("job %s first shown in phase %s", j.ID, first)
	if first != "completed" {
		// The page follows a running job over Server-Sent Events.
		if src := eval[string](p, `document.querySelector("[data-job-events]")?.getAttribute("data-job-events") ?? ""`); src != "/jobs/"+j.ID+"/events" {
			t.Errorf("running job's page: event source %q, want /jobs/%s/events", src, j.ID)
		}
		if got := p.text("#job-live"); !strings.Contains(got, "Live") {
			t.Errorf("running job's page: live notice %q", got)
		}
	}

	// The test never reloads: the page's own script does.
	start := time.Now()
	p.waitUntil("phase completed", `document.getElementById("job-phase")?.textContent === "completed"`, jobTimeout)
	p.waitUntil("output link", `document.querySelector('main a[download]') !== null`, 10*time.Second)
	t.Logf("the page showed completed %s after it was opened in phase %s", time.Since(start).Round(time.Millisecond), first)
	run(p, "wait for the page", chromedp.WaitReady(chromedp.CSS("main#main")))
	p.assertClean()

	if done := await(t, o, j.ID); done.Phase != "completed" {
		t.Fatalf("job %s: %s", j.ID, done.Phase)
	}
	p.expectText("Outputs", outputFile)
	if got := eval[string](p, `document.querySelector('main a[download]').textContent`); got != outputFile {
		t.Errorf("output link %q, want %q", got, outputFile)
	}
	href := eval[string](p, `document.querySelector('main a[download]').getAttribute("href")`)
	if wantHref := "/api/v1/jobs/" + j.ID + "/outputs/0/" + outputFile; href != wantHref {
		t.Errorf("output link to %q, want %q", href, wantHref)
	}
	// Download it as the page's link does: same origin, from the page.
	raw := run(p, "download "+href, chromedp.Evaluate[string](`fetch(`+strconv.Quote(href)+`).then(async r => JSON.stringify({status: r.status, body: Array.from(new Uint8Array(await r.arrayBuffer()))}))`, chromedp.EvalAwaitPromise))
	var got struct {
		Status int
		Body   []int // the bytes, as JSON carries them
	}
	if err := json.Unmarshal([]byte(raw), &got); err != nil {
		t.Fatalf("download %s: %v", href, err)
	}
	body := make([]byte, len(got.Body))
	for i, b := range got.Body {
		body[i] = byte(b)
	}
	if got.Status != 200 || string(body) != want {
		t.Errorf("download %s: status %d, %q; want 200, %q", href, got.Status, body, want)
	}
	if size := eval[string](p, `document.querySelector('main a[download]').closest("tr").cells[2].textContent.trim()`); !strings.Contains(size, strconv.Itoa(len(want))) {
		t.Errorf("output size shown %q, want %d bytes", size, len(want))
	}
	p.assertClean()

	// The jobs list links the job; following the link shows it.
	p.open("/jobs")
	p.arrived("/jobs/" + j.ID)
	run(p, "follow the job's link", chromedp.Click(chromedp.CSS(`main a[href="/jobs/`+j.ID+`"]`)))
	p.waitUntil("the job's page", `location.pathname === "/jobs/`+j.ID+`" && document.getElementById("job-phase")?.textContent === "completed"`, 10*time.Second)
	p.expectTitle("live ("+j.ID+") · OpenSky", "Job "+j.ID)
}
