package ui

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/opensky-network/opensky/internal/spec"
)

// newSubmitUI returns a test server whose form takes modules of at most
// maxModule bytes, its backend, and whether it runs with a chain.
func newSubmitUI(t *testing.T, maxModule int64, c Chain) (*httptest.Server, *fakeBackend) {
	t.Helper()
	b := newFakeBackend()
	fixture(b)
	opts := []Option{WithNotFound(errNotFound), WithPaymentRequired(errPaymentRequired), WithMaxModule(maxModule)}
	if c != nil {
		opts = append(opts, WithChain(c))
	}
	return newServer(t, New(b, opts...)), b
}

// tokenRE finds the form's token in a drawn submit page.
var tokenRE = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// formToken draws the submit form and returns its token.
func formToken(t *testing.T, srv *httptest.Server) string {
	t.Helper()
	body := getPage(t, srv, "/submit", http.StatusOK)
	m := tokenRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("the submit form has no token:\n%s", body)
	}
	return m[1]
}

// wasmModule is a module's bytes for the uploads (the backend does not
// run it).
var wasmModule = []byte("\x00asm\x01\x00\x00\x00")

// multipartForm encodes fields and, when module is not nil, the module
// upload.
func multipartForm(t *testing.T, fields map[string]string, module []byte) (string, *bytes.Buffer) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if module != nil {
		fw, err := mw.CreateFormFile("module", "pi.wasm")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fw.Write(module); err != nil {
			t.Fatal(err)
		}
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return mw.FormDataContentType(), &buf
}

// postForm sends the submit form with the given Origin ("" for none) and
// returns the response, not following a redirect, and its body.
func postForm(t *testing.T, srv *httptest.Server, origin string, fields map[string]string, module []byte) (*http.Response, string) {
	t.Helper()
	ct, body := multipartForm(t, fields, module)
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL+"/submit", body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", ct)
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	client := *srv.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	res, err := client.Do(req)
	if err != nil {
		t.Fatalf("POST /submit: %v", err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, string(data)
}

func TestSubmitFormRenders(t *testing.T) {
	srv, _ := newSubmitUI(t, DefaultMaxModule, newFakeChain())
	body := getPage(t, srv, "/submit", http.StatusOK) // checkHTML: a label for every field
	wantAll(t, "/submit", body,
		`<a href="/submit" aria-current="page">Submit a job</a>`,
		`<form id="submit-form" class="job-form" method="post" action="/submit" enctype="multipart/form-data">`,
		`<label for="module">`, `<label for="args">`, `<label for="shards">`, `<label for="replicas">`,
		`<label for="cpu">`, `<label for="memory">`, `<label for="timeout">`, `<label for="maxPrice">`,
		`<label for="verification">`, `<label for="input0Name">`, `<label for="input2Content">`,
		`<label for="template">`, `<option value="pi">`, `<option value="wordcount">`, `<option value="matmul">`,
		`<option value="spot-check">`, `id="estimate"`, `data-estimate-url="/submit/estimate"`,
		`<script src="/static/submit.js" defer></script>`, "does not bring the module",
		"At most 48.0 MiB", `<label for="escrow">Escrow ID</label>`, "opensky escrow lock 2.00",
	)

	// A template fills the fields without script.
	body = getPage(t, srv, "/submit?template=pi", http.StatusOK)
	wantAll(t, "/submit?template=pi", body,
		`<option value="pi" selected>`, `id="shards" name="shards" value="16"`, `>1000000</textarea>`,
		`id="memory" name="memory" value="32Mi"`, "Build <code>pi.wasm</code> from <code>examples/pi</code>",
		"Worst case for 16 tasks",
	)
	body = getPage(t, srv, "/submit?template=wordcount", http.StatusOK)
	wantAll(t, "/submit?template=wordcount", body, `value="texts/sky.txt"`, `id="cpu" name="cpu" value="500m"`)

	_, h, js := get(t, srv, "/static/submit.js")
	if !strings.Contains(h.Get("Content-Type"), "javascript") || !strings.Contains(js, "data-templates") {
		t.Errorf("/static/submit.js: %q\n%s", h.Get("Content-Type"), js)
	}
}

func TestSubmitValid(t *testing.T) {
	srv, b := newSubmitUI(t, DefaultMaxModule, nil)
	tok := formToken(t, srv)
	res, body := postForm(t, srv, srv.URL, map[string]string{
		tokenField: tok, "name": "pi", "args": "1000000\r\n--verbose\r\n", "shards": "16", "replicas": "3",
		"cpu": "500m", "memory": "32Mi", "timeout": "1m", "maxPrice": "0.25", "verification": "quorum",
		"input0Name": "data/a.txt", "input0Content": "hello", "input2Name": "data/c.txt", "input2Content": "bye",
	}, wasmModule)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/jobs/job-web-1" {
		t.Fatalf("POST /submit: %d Location %q\n%s", res.StatusCode, res.Header.Get("Location"), body)
	}
	subs := b.submissions()
	if len(subs) != 1 {
		t.Fatalf("%d jobs submitted, want 1", len(subs))
	}
	j := subs[0]
	want := map[string]any{
		"engine": j.Engine == spec.EngineWasm, "module": j.Module == spec.BlobRef(wasmModule),
		"name": j.Name == "pi", "args": len(j.Args) == 2 && j.Args[0] == "1000000" && j.Args[1] == "--verbose",
		"shards": j.Shards == 16, "replicas": j.Replicas == 3, "cpu": j.Resources.CPU == 500,
		"memory": j.Resources.Memory == 32*spec.MiB, "timeout": j.Resources.Timeout.Std() == time.Minute,
		"maxPrice": j.MaxPrice == 250_000, "verification": j.Verification == spec.VerifyQuorum,
		"inputs": len(j.Inputs) == 2 && j.Inputs[0] == spec.Input{Name: "data/a.txt", Content: "hello"} &&
			j.Inputs[1] == spec.Input{Name: "data/c.txt", Content: "bye"},
		"apiVersion": j.APIVersion == spec.APIVersion, "disk default": j.Resources.Disk == spec.DefaultDisk,
	}
	for k, ok := range want {
		if ok != true {
			t.Errorf("submitted spec: %s is wrong: %+v", k, j)
		}
	}
	if _, ok := b.blobs[j.Module]; !ok {
		t.Error("the module was not stored as a blob")
	}
	getPage(t, srv, "/jobs/job-web-1", http.StatusOK)
}

func TestSubmitInvalidKeepsValues(t *testing.T) {
	srv, b := newSubmitUI(t, DefaultMaxModule, nil)
	tok := formToken(t, srv)
	res, body := postForm(t, srv, srv.URL, map[string]string{
		tokenField: tok, "name": "my-job", "args": "keep me", "shards": "two", "replicas": "9",
		"timeout": "soon", "memory": "32Mi", "verification": "quorum",
		"input1Name": "../escape", "input1Content": "x",
	}, wasmModule)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("POST /submit: %d, want 422\n%s", res.StatusCode, body)
	}
	checkHTML(t, "POST /submit", body)
	if n := len(b.submissions()); n != 0 {
		t.Fatalf("%d jobs submitted from an invalid form", n)
	}
	// Each problem is beside its field, which says it is invalid.
	for _, field := range []string{"shards", "replicas", "timeout", "input1"} {
		re := regexp.MustCompile(`aria-describedby="` + field + `-error"[^>]*>(?s:.*?)<p id="` + field + `-error" class="field-error">[^<]+`)
		if !re.MatchString(body) {
			t.Errorf("no problem shown beside %s", field)
		}
	}
	wantAll(t, "POST /submit", body,
		`must be a whole number, not &#34;two&#34;`, `id="form-errors"`,
		`id="name" name="name" value="my-job"`, `>keep me</textarea>`, `value="two"`, `value="9"`,
		`value="soon"`, `value="32Mi"`, `<option value="quorum" selected>`, `value="../escape"`,
		// The module is kept: the visitor need not upload it again.
		`name="moduleRef" value="`+spec.BlobRef(wasmModule)+`"`, `name="moduleName" value="pi.wasm"`, `id="module-kept"`,
	)
	if strings.Contains(body, `id="name-error"`) {
		t.Error("a problem shown beside a valid field")
	}

	// Sent again, fixed and without the file, the kept module is used.
	tok = tokenRE.FindStringSubmatch(body)[1]
	res, body = postForm(t, srv, srv.URL, map[string]string{
		tokenField: tok, "moduleRef": spec.BlobRef(wasmModule), "moduleName": "pi.wasm", "shards": "2",
	}, nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST /submit again: %d\n%s", res.StatusCode, body)
	}
	if subs := b.submissions(); len(subs) != 1 || subs[0].Module != spec.BlobRef(wasmModule) || subs[0].Shards != 2 {
		t.Errorf("submitted %+v", subs)
	}
}

func TestSubmitWithoutModule(t *testing.T) {
	srv, b := newSubmitUI(t, DefaultMaxModule, nil)
	res, body := postForm(t, srv, srv.URL, map[string]string{tokenField: formToken(t, srv)}, nil)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `<p id="module-error" class="field-error">upload the WebAssembly module`) {
		t.Fatalf("POST /submit without a module: %d\n%s", res.StatusCode, body)
	}
	if len(b.submissions()) != 0 {
		t.Error("a job without a module was submitted")
	}
}

func TestSubmitRefusesForgery(t *testing.T) {
	srv, b := newSubmitUI(t, DefaultMaxModule, nil)
	tok := formToken(t, srv)
	other := New(newFakeBackend()) // another gateway's key
	foreign := other.forms.mint(time.Now())
	h := New(newFakeBackend())
	stale := h.forms.mint(time.Now().Add(-tokenTTL - time.Minute))
	fields := func(tok string) map[string]string { return map[string]string{tokenField: tok, "shards": "1"} }

	cases := []struct {
		name, origin, token string
	}{
		{"no token", srv.URL, ""},
		{"wrong token", srv.URL, tamper(tok)},
		{"token of another gateway", srv.URL, foreign},
		{"cross-origin", "https://evil.example", tok},
		{"no origin", "", tok},
		{"null origin", "null", tok},
	}
	for _, c := range cases {
		res, body := postForm(t, srv, c.origin, fields(c.token), wasmModule)
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("%s: status %d, want 403\n%s", c.name, res.StatusCode, body)
		}
	}
	if n := len(b.submissions()); n != 0 {
		t.Fatalf("%d jobs submitted by forged forms", n)
	}
	if len(b.blobs) != 0 {
		t.Error("a forged form stored its module")
	}
	if h.forms.valid(stale, time.Now()) {
		t.Error("a stale token is valid")
	}
	if !h.forms.valid(h.forms.mint(time.Now()), time.Now()) {
		t.Error("a fresh token is not valid")
	}

	// A Referer from this gateway stands in for a missing Origin;
	// Sec-Fetch-Site cross-site refuses even with a matching Origin.
	for _, c := range []struct {
		hdr  map[string]string
		want bool
	}{
		{map[string]string{"Referer": "http://gw.test/submit"}, true},
		{map[string]string{"Referer": "http://evil.test/submit"}, false},
		{map[string]string{"Origin": "http://gw.test", "Sec-Fetch-Site": "cross-site"}, false},
		{map[string]string{"Origin": "http://gw.test", "Sec-Fetch-Site": "same-origin"}, true},
		{map[string]string{"Origin": "ftp://gw.test"}, false},
	} {
		r := httptest.NewRequest(http.MethodPost, "http://gw.test/submit", nil)
		for k, v := range c.hdr {
			r.Header.Set(k, v)
		}
		if got := sameOrigin(r); got != c.want {
			t.Errorf("sameOrigin with %v = %v, want %v", c.hdr, got, c.want)
		}
	}
}

func TestSubmitTooLarge(t *testing.T) {
	const limit = 1 << 10
	srv, b := newSubmitUI(t, limit, nil)
	tok := formToken(t, srv)
	// Over the module limit but within the form's: the file's size.
	res, body := postForm(t, srv, srv.URL, map[string]string{tokenField: tok}, bytes.Repeat([]byte{1}, limit+1))
	if res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(body, "Upload too large") {
		t.Fatalf("module over the limit: %d\n%s", res.StatusCode, body)
	}
	checkHTML(t, "POST /submit", body)
	// Over the whole form's limit: the body's size.
	res, body = postForm(t, srv, srv.URL, map[string]string{tokenField: tok}, bytes.Repeat([]byte{1}, int(limit+formOverhead)))
	if res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(body, "Upload too large") {
		t.Fatalf("form over the limit: %d\n%s", res.StatusCode, body)
	}
	if len(b.submissions()) != 0 || len(b.blobs) != 0 {
		t.Error("an oversized upload was stored or submitted")
	}
}

func TestSubmitPaymentRequired(t *testing.T) {
	srv, b := newSubmitUI(t, DefaultMaxModule, newFakeChain())
	b.submitErr = fmt.Errorf("escrow e-1 expires in 9 blocks: %w", errPaymentRequired)
	res, body := postForm(t, srv, srv.URL, map[string]string{tokenField: formToken(t, srv), "escrow": "e-0123456789abcdef0123456789abcdef"}, wasmModule)
	if res.StatusCode != http.StatusPaymentRequired {
		t.Fatalf("POST /submit on a paid network: %d\n%s", res.StatusCode, body)
	}
	checkHTML(t, "POST /submit", body)
	// The form comes back with the reason beside the escrow, the module
	// kept, and how to lock an escrow.
	wantAll(t, "POST /submit", body, `<p id="escrow-error" class="field-error">This job cannot be paid: escrow e-1 expires in 9 blocks`,
		`value="e-0123456789abcdef0123456789abcdef"`, `name="moduleRef"`, "opensky escrow lock 2.00", `aria-describedby="escrow-hint escrow-error" aria-invalid="true"`)
}

func TestSubmitBackendValidation(t *testing.T) {
	srv, b := newSubmitUI(t, DefaultMaxModule, nil)
	b.submitErr = &spec.ValidationError{Problems: []spec.Problem{
		{Path: "shards", Message: "more shards than providers"}, {Path: "constraints[0]", Message: "odd <b>"},
	}}
	res, body := postForm(t, srv, srv.URL, map[string]string{tokenField: formToken(t, srv), "shards": "4"}, wasmModule)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("%d\n%s", res.StatusCode, body)
	}
	wantAll(t, "POST /submit", body, `<p id="shards-error" class="field-error">more shards than providers</p>`,
		`<li>constraints[0]: odd &lt;b&gt;</li>`, `id="shards" name="shards" value="4"`)
}

func TestSubmitEscapesHostileInput(t *testing.T) {
	srv, _ := newSubmitUI(t, DefaultMaxModule, nil)
	const evil = `"><script>alert(1)</script>`
	res, body := postForm(t, srv, srv.URL, map[string]string{
		tokenField: formToken(t, srv), "name": evil, "args": "</textarea>" + evil, "shards": evil,
		"input0Name": evil, "input0Content": "</textarea><img src=x onerror=alert(1)>",
	}, wasmModule)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("%d\n%s", res.StatusCode, body)
	}
	checkHTML(t, "POST /submit", body) // also: no inline script
	for _, bad := range []string{"<script>alert", "</textarea><img", "<img src=x"} {
		if strings.Contains(body, bad) {
			t.Errorf("hostile input reached the page unescaped: %q", bad)
		}
	}
	_, _, page := get(t, srv, "/submit?name=%3Cscript%3Ex%3C%2Fscript%3E&template=%22%3E%3Cb%3E")
	if strings.Contains(page, "<script>x") || strings.Contains(page, `"><b>`) {
		t.Error("hostile query reached the page unescaped")
	}
}

func TestSubmitWithoutSubmitter(t *testing.T) {
	srv := newServer(t, New(readOnly{newFakeBackend()}))
	body := getPage(t, srv, "/submit", http.StatusOK)
	wantAll(t, "/submit", body, `id="submit-unavailable"`, `id="submit-job" disabled`)
	tok := tokenRE.FindStringSubmatch(body)[1]
	res, _ := postForm(t, srv, srv.URL, map[string]string{tokenField: tok}, wasmModule)
	if res.StatusCode != http.StatusNotImplemented {
		t.Errorf("POST to a gateway that takes no jobs: %d", res.StatusCode)
	}
}

// readOnly hides the optional capabilities of a backend.
type readOnly struct{ Backend }

// tamper changes the last byte of a token's MAC.
func tamper(tok string) string {
	c := byte('A')
	if tok[len(tok)-2] == 'A' {
		c = 'B'
	}
	return tok[:len(tok)-2] + string(c) + tok[len(tok)-1:]
}
