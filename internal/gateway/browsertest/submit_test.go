package browsertest

import (
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The job form's controls.
const (
	submitForm   = `form[method="post"][action="/submit"]`
	moduleInput  = submitForm + ` input[type="file"]`
	nameInput    = submitForm + ` input[name="name"]`
	submitButton = submitForm + ` button[type="submit"]`
)

// TestSubmitForm submits a job through the /submit form, uploading its
// module from a file, and watches the job's page reach completed with its
// output.
func TestSubmitForm(t *testing.T) {
	n := freeNet(t)
	resp, err := http.Get(n.URL + "/submit")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound {
		t.Skip("the gateway serves no /submit form: nothing to fill")
	}
	p := newPage(t, n.URL)
	p.open("/submit")
	if !eval[bool](p, `document.querySelector(`+strconv.Quote(moduleInput)+`) !== null`) {
		t.Skip("/submit has no job form with a module upload: nothing to fill")
	}
	p.expectTitle("Submit a job · OpenSky", "Submit")
	for _, sel := range []string{moduleInput, nameInput} {
		if !eval[bool](p, `(e => e.labels.length > 0 && e.labels[0].textContent.trim() !== "")(document.querySelector(`+strconv.Quote(sel)+`))`) {
			t.Errorf("/submit: %s has no label", sel)
		}
	}

	const want = "written by a job from the form\n"
	id := submitJobForm(t, p, "from-the-form", want)
	p.waitUntil("output link", `document.querySelector('main a[download]') !== null`, 10*time.Second)
	run(p, "wait for the page", chromedp.WaitReady(chromedp.CSS("main#main")))
	p.expectTitle("from-the-form ("+id+") · OpenSky", "Job "+id)
	href := eval[string](p, `document.querySelector('main a[download]').getAttribute("href")`)
	got := run(p, "download "+href, chromedp.Evaluate[string](`fetch(`+strconv.Quote(href)+`).then(r => r.ok ? r.text() : "status " + r.status)`, chromedp.EvalAwaitPromise))
	if got != want {
		t.Errorf("download %s: %q, want %q", href, got, want)
	}
	if j := await(t, n.Gateway.Orchestrator, id); j.Spec.Name != "from-the-form" {
		t.Errorf("job %s: name %q, want from-the-form", id, j.Spec.Name)
	}
}

// submitJobForm fills the open submit form with a module that writes want
// and the job name, submits it, and follows the job's page until the job
// completed; it returns the job's ID.
func submitJobForm(t *testing.T, p *page, name, want string) string {
	t.Helper()
	module := filepath.Join(t.TempDir(), "write.wasm")
	if err := os.WriteFile(module, writeOutput(0, want), 0o644); err != nil {
		t.Fatal(err)
	}
	run(p, "choose the module", chromedp.SetUploadFiles(chromedp.CSS(moduleInput), []string{module}))
	run(p, "name the job", chromedp.SendKeys(chromedp.CSS(nameInput), name))
	p.arrived("/jobs/(submitted)")
	run(p, "submit", chromedp.Click(chromedp.CSS(submitButton)))

	p.waitUntil("the new job's page", `/^\/jobs\/j-[a-z0-9]+$/.test(location.pathname)`, actionTimeout)
	loc := run(p, "location", chromedp.Location())
	id := regexp.MustCompile(`/jobs/(j-[a-z0-9]+)$`).FindStringSubmatch(loc)
	if id == nil {
		t.Fatalf("after submitting: at %s, want a job's page", loc)
	}
	p.current = "/jobs/" + id[1]
	p.waitUntil("phase completed", `document.getElementById("job-phase")?.textContent === "completed"`, jobTimeout)
	return id[1]
}
