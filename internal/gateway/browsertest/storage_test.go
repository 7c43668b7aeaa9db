package browsertest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/identity"
	"github.com/opensky-network/opensky/internal/storage/seal"
)

// storeTimeout bounds storing an object through the API.
const storeTimeout = 30 * time.Second

// storeObject seals plain to acct and stores it through the gateway's API
// as that account, the way `opensky storage put` does: the
// key is wrapped to the account's public key, and the upload names the
// ciphertext's length, SHA-256 and CID. The object is small, so it is
// sealed once into memory instead of twice as a stream.
func storeObject(t *testing.T, base string, acct *identity.Account, name string, plain []byte) *api.StoredObject {
	t.Helper()
	key, err := seal.NewKey()
	if err != nil {
		t.Fatal(err)
	}
	wrapped, err := seal.WrapKey(acct.PublicKey(), key)
	if err != nil {
		t.Fatal(err)
	}
	var sealed bytes.Buffer
	sw := seal.NewWriter(&sealed, key)
	if _, err := sw.Write(plain); err != nil {
		t.Fatal(err)
	}
	if err := sw.Close(); err != nil {
		t.Fatal(err)
	}
	ciphertext := sealed.Bytes()
	var h seal.Hasher
	_, _ = h.Write(ciphertext) // a Hasher's Write fails only after Sum
	cid, err := h.Sum()
	if err != nil {
		t.Fatal(err)
	}
	digest := sha256.Sum256(ciphertext)
	size := int64(len(plain))
	if got := seal.CipherLen(size); got != int64(len(ciphertext)) {
		t.Fatalf("sealed %d bytes to %d, CipherLen says %d", size, len(ciphertext), got)
	}
	put := api.StoragePut{
		Name: name, Size: size, WrappedKey: wrapped, CID: cid,
		CipherLen: seal.CipherLen(size), CipherSHA256: hex.EncodeToString(digest[:]),
	}
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	c := api.NewClient(base, api.WithAccount(acct))
	obj, err := c.PutObject(ctx, put, bytes.NewReader(ciphertext))
	if err != nil {
		t.Fatalf("store %s: %v", name, err)
	}
	if obj.CID != cid {
		t.Fatalf("store %s: the gateway stored %s, want %s", name, obj.CID, cid)
	}
	return obj
}

// TestStoragePages stores an object through the API as the signed-in
// account, finds it on /storage with every shard live, opens its page,
// runs an audit from the keyboard and sees every shard pass; then checks
// the storage pages at a phone's width and the dashboard's storage.
//
// It runs on the network without a chain: there an upload needs no
// storage deal, and the storage network is the same on both (the deal
// only pays providers, which the pages show as one line).
func TestStoragePages(t *testing.T) {
	n := freeNet(t)
	const name = "browser-tests.txt"
	obj := storeObject(t, n.URL, browserAccount(t), name, []byte(strings.Repeat("kept by the storage network\n", 2000)))
	if obj.Health.Live != obj.Health.Total || !obj.Health.Readable || obj.Health.Total != len(obj.Shards) || obj.Health.Total < 2 {
		t.Fatalf("stored %s: health %+v over %d shards, want every shard live", obj.CID, obj.Health, len(obj.Shards))
	}
	total := strconv.Itoa(obj.Health.Total)
	objPath := "/storage/" + obj.CID
	link := `main a[href=` + strconv.Quote(objPath) + `]`

	p := newPage(t, n.URL)
	p.open("/storage")
	p.expectTitle("Storage · OpenSky", "Storage")
	if got := eval[string](p, `document.querySelector('nav a[aria-current="page"]')?.textContent ?? ""`); got != "Storage" {
		t.Errorf("/storage: current nav entry %q, want Storage", got)
	}
	if !eval[bool](p, `document.querySelector(`+strconv.Quote(link)+`) !== null`) {
		t.Fatalf("/storage does not link %s; it shows:\n%s", obj.CID, p.text("main"))
	}
	row := `[...document.querySelectorAll("#objects tbody tr")].find(tr => tr.querySelector(` + strconv.Quote(`a[href=`+strconv.Quote(objPath)+`]`) + `))`
	type listed struct{ Name, Size, Redundancy, Health, Meter, Class string }
	got := eval[listed](p, `(tr => ({Name: tr.cells[0].textContent.trim(), Size: tr.cells[2].textContent.trim(),
		Redundancy: tr.cells[3].textContent.trim(), Health: tr.cells[4].querySelector(".health-text")?.textContent.trim() ?? "",
		Meter: tr.cells[4].querySelector("svg title")?.textContent ?? "", Class: tr.cells[4].querySelector(".health")?.className ?? ""}))(`+row+`)`)
	if got.Name != name || got.Redundancy != obj.Redundancy || got.Size != "54.7 KiB" {
		t.Errorf("/storage: the object's row %+v, want %s, 54.7 KiB, %s", got, name, obj.Redundancy)
	}
	if got.Health != total+"/"+total+" live" || !strings.Contains(got.Class, "health-ok") || !strings.HasPrefix(got.Meter, total+" of "+total+" shards live") {
		t.Errorf("/storage: health %q (meter %q, class %q), want all %s shards live", got.Health, got.Meter, got.Class, total)
	}

	p.arrived(objPath)
	run(p, "open the object", chromedp.Click(chromedp.CSS(link)))
	p.waitUntil("the object's page", `location.pathname === `+strconv.Quote(objPath)+` && document.getElementById("audit-now") !== null`, actionTimeout)
	run(p, "wait for main", chromedp.WaitReady(chromedp.CSS("main#main")))
	p.assertClean()
	p.expectTitle(name+" ("+obj.CID[:16]+"…) · OpenSky", "Stored object")
	p.expectText(obj.CID, "Summary", "Layout", "Shards", "Audit", "opensky storage get "+obj.CID+" -o PATH", "Download and decrypt")
	if got := p.text("#object-health .health-text"); got != total+"/"+total+" live · all live" {
		t.Errorf("%s: health %q", objPath, got)
	}
	states := eval[[]string](p, `[...document.querySelectorAll("#shards tbody tr")].map(tr => tr.cells[3].textContent.trim() + " " + tr.cells[4].textContent.trim())`)
	if len(states) != obj.Health.Total {
		t.Errorf("%s: %d shard rows, want %d", objPath, len(states), obj.Health.Total)
	}
	for i, s := range states {
		if s != "ok yes" {
			t.Errorf("%s: shard %d is %q, want ok and online", objPath, i, s)
		}
	}
	if n := eval[int](p, `document.querySelectorAll('#shards tbody a[href^="/providers/"]').length`); n != obj.Health.Total {
		t.Errorf("%s: %d shards link their provider, want %d", objPath, n, obj.Health.Total)
	}

	// Audit from the keyboard: focus the button, press Enter.
	p.arrived(objPath + "/audit")
	run(p, "focus Audit now", chromedp.Focus(chromedp.CSS("#audit-now")))
	run(p, "press Enter", chromedp.KeyEvent("\r"))
	p.waitUntil("the audit's results", `location.pathname === `+strconv.Quote(objPath+"/audit")+` && document.getElementById("audit-summary") !== null`, storeTimeout)
	run(p, "wait for main", chromedp.WaitReady(chromedp.CSS("main#main")))
	p.assertClean()
	if got, want := p.text("#audit-summary"), total+" of "+total+" shards passed the audit."; got != want {
		t.Errorf("audit: %q, want %q", got, want)
	}
	results := eval[[]string](p, `[...document.querySelectorAll("#audit-results tbody tr")].map(tr => tr.cells[2].textContent.trim())`)
	if len(results) != obj.Health.Total {
		t.Errorf("audit: %d results, want %d", len(results), obj.Health.Total)
	}
	for i, r := range results {
		if r != "passed" {
			t.Errorf("audit: shard %d %q, want passed", i, r)
		}
	}
	if got := p.text("#object-last-audit"); got == "not audited yet" {
		t.Error("after the audit the object still says it was never audited")
	}

	// The dashboard adds up what the providers rent out.
	p.open("/")
	p.expectText("Storage offered", "Storage free", "Providers storing")
	if got := p.text("#storage-stats div:nth-child(3) dd"); got != strconv.Itoa(netProviders) {
		t.Errorf("dashboard: %s providers storing, want %d", got, netProviders)
	}
	p.open("/providers")
	p.expectText("Storage free / total", "Storage per GB-month")

	// At a phone's width the pages fit; the tables scroll on their own.
	p.emulatePhone()
	for _, path := range []string{"/storage", objPath} {
		p.open(path)
		p.expectPhoneFit()
	}
}

// TestStorageOtherAccount: an object of another account, or one that
// does not exist, is the 404 page.
func TestStorageOtherAccount(t *testing.T) {
	n := freeNet(t)
	if sessionToken(t, n.URL) == "" {
		t.Skip("the gateway does not require authentication: every visitor sees every object")
	}
	stranger, err := identity.AccountFromURI("//BrowserTestsStranger")
	if err != nil {
		t.Fatal(err)
	}
	other := storeObject(t, n.URL, stranger, "not yours.txt", []byte("another account's object\n"))
	p := newPage(t, n.URL)
	for _, path := range []string{"/storage/" + other.CID, "/storage/bafkreinosuchobject"} {
		p.expect(path)
		p.current = path
		resp := run(p, "load", chromedp.NavigateResponse(p.base.String()+path))
		if resp == nil || resp.Status != 404 {
			t.Errorf("GET %s: %v, want 404", path, resp)
			continue
		}
		p.expectTitle("Object not found · OpenSky", "Object not found")
		if strings.Contains(p.text("main"), "not yours.txt") {
			t.Errorf("GET %s: the 404 page names the object", path)
		}
	}
	p.open("/storage")
	if strings.Contains(p.text("main"), "not yours.txt") {
		t.Error("/storage lists another account's object")
	}
}
