package browsertest

import (
	"bytes"
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/chromedp"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/storage/seal"
)

// downloadTo makes the browser save the page's downloads in a new
// temporary directory, under the names the page gives them, and returns
// the directory.
func (p *page) downloadTo() string {
	p.t.Helper()
	dir := p.t.TempDir()
	run(p, "allow downloads", chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
			Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir})
		return err
	}))
	return dir
}

// waitFile waits for the browser to finish saving name in dir, of size
// bytes (any size when negative), and returns its contents.
func waitFile(t *testing.T, dir, name string, size int, timeout time.Duration) []byte {
	t.Helper()
	deadline := time.Now().Add(timeout)
	path := filepath.Join(dir, name)
	for time.Now().Before(deadline) {
		if data, err := os.ReadFile(path); err == nil && (len(data) == size || size < 0 && len(data) > 0) {
			if partial, _ := filepath.Glob(filepath.Join(dir, "*.crdownload")); len(partial) == 0 {
				return data
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	t.Fatalf("%s was not saved in %s within %s (the directory holds %v)", name, dir, timeout, names)
	return nil
}

// TestBrowserUploadAndDownload uploads a file through the upload page,
// which seals it in the browser; the object appears with every shard
// live, the Go side unwraps its key with the account and reads back the
// exact file, and the key the page showed (typed, or from the key file
// it offered) opens it again in the browser, which saves the exact file.
// A wrong key is refused with a clear message, and nothing is saved.
func TestBrowserUploadAndDownload(t *testing.T) {
	n := freeNet(t)
	acct := browserAccount(t)
	const name = "browser-upload.bin"
	plain := xorshift(0x5eed, 2<<20+12345) // three chunks, the last short
	src := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(src, plain, 0o644); err != nil {
		t.Fatal(err)
	}

	p := newPage(t, n.URL)
	p.open("/storage")
	p.arrived("/storage/new")
	run(p, "follow the upload link", chromedp.Click(chromedp.CSS(`#upload-link`)))
	p.waitUntil("the upload page", `location.pathname === "/storage/new" && !!(window.OpenSky && OpenSky.seal)`, actionTimeout)
	p.expectTitle("Upload a file · OpenSky", "Upload a file")
	for _, id := range []string{"upload-file", "upload-name", "upload-redundancy", "upload-duration"} {
		if !eval[bool](p, `(e => e.labels.length > 0 && e.labels[0].textContent.trim() !== "")(document.getElementById(`+strconv.Quote(id)+`))`) {
			t.Errorf("/storage/new: #%s has no label", id)
		}
	}
	if eval[bool](p, `!document.getElementById("upload-insecure").hidden`) {
		t.Fatal("/storage/new says the browser lacks WebCrypto on 127.0.0.1")
	}
	run(p, "choose the file", chromedp.SetUploadFiles(chromedp.CSS("#upload-file"), []string{src}))
	run(p, "keep it 30 days", chromedp.SetValue(chromedp.CSS("#upload-duration"), "720h"))
	run(p, "upload", chromedp.Click(chromedp.CSS("#upload-start")))
	p.waitUntil("the upload's end", `!document.getElementById("upload-done").hidden || !document.getElementById("upload-error").hidden`, storeTimeout)
	if msg := eval[string](p, `document.getElementById("upload-error").hidden ? "" : document.getElementById("upload-error").textContent`); msg != "" {
		t.Fatalf("the upload failed: %s", msg)
	}
	p.assertClean()
	cid := p.text("#upload-link")
	keyText := eval[string](p, `document.getElementById("upload-key").value`)
	if got := p.text("#seal-text"); got != "Encrypted 2.0 MiB of 2.0 MiB" {
		t.Errorf("sealing progress %q", got)
	}
	if got := p.text("#send-text"); got != "Uploaded 2.0 MiB of 2.0 MiB" {
		t.Errorf("upload progress %q", got)
	}
	if err := seal.ParseCID(cid); err != nil {
		t.Fatalf("the page links %q: %v", cid, err)
	}

	// The Go side: the object is the account's, with every shard live;
	// the wallet unwraps the key the page showed; the ciphertext is the
	// CID's and opens to the file.
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	c := api.NewClient(n.URL, api.WithAccount(acct))
	obj, err := c.Object(ctx, cid)
	if err != nil {
		t.Fatalf("object %s: %v", cid, err)
	}
	if obj.Name != name || obj.Size != int64(len(plain)) || obj.CipherLen != seal.CipherLen(int64(len(plain))) || obj.ExpiresAt == nil ||
		!obj.Health.Readable || obj.Health.Live != obj.Health.Total || obj.Health.Total < 2 {
		t.Fatalf("object %+v", obj)
	}
	key, err := seal.UnwrapKey(acct, obj.WrappedKey)
	if err != nil {
		t.Fatalf("the wallet does not unwrap the page's key: %v", err)
	}
	if shown, err := base64.RawURLEncoding.DecodeString(keyText); err != nil || !bytes.Equal(shown, key[:]) {
		t.Fatalf("the page showed key %q, the wallet unwraps %x", keyText, key[:])
	}
	var ct bytes.Buffer
	if _, err := c.GetObject(ctx, cid, &ct); err != nil {
		t.Fatalf("download %s: %v", cid, err)
	}
	var h seal.Hasher
	_, _ = h.Write(ct.Bytes())
	if got, err := h.Sum(); err != nil || got != cid {
		t.Fatalf("the ciphertext hashes to %s (%v), not %s", got, err, cid)
	}
	r, err := seal.NewReader(bytes.NewReader(ct.Bytes()), key, int64(ct.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var back bytes.Buffer
	if _, err := back.ReadFrom(r); err != nil || !bytes.Equal(back.Bytes(), plain) {
		t.Fatalf("the Go side reads back %d bytes (%v), not the file", back.Len(), err)
	}

	// The key file the page offers names the object and holds the key;
	// the page revokes its blob: URL once the download has started.
	dir := p.downloadTo()
	eval[bool](p, `(() => {
		const made = window.keyFileMade = [], gone = window.keyFileRevoked = [];
		const create = URL.createObjectURL, revoke = URL.revokeObjectURL;
		URL.createObjectURL = b => { const u = create.call(URL, b); made.push(u); return u; };
		URL.revokeObjectURL = u => { gone.push(u); revoke.call(URL, u); };
		return true;
	})()`)
	run(p, "save the key file", chromedp.Click(chromedp.CSS("#upload-keyfile")))
	keyFile := string(waitFile(t, dir, name+".opensky-key.txt", -1, actionTimeout))
	if !strings.Contains(keyFile, "object: "+cid) || !strings.Contains(keyFile, "key: "+keyText) || !strings.Contains(keyFile, "keep it as safe as the file") {
		t.Errorf("key file:\n%s", keyFile)
	}
	p.waitUntil("the key file's URL revoked", `window.keyFileMade.length === 1 && window.keyFileRevoked.includes(window.keyFileMade[0]) &&
		!document.getElementById("upload-keyfile").href.startsWith("blob:")`, actionTimeout)
	keyPath := filepath.Join(dir, name+".opensky-key.txt")

	// The object's page opens it with the key, in the browser.
	objPath := "/storage/" + cid
	p.arrived(objPath)
	run(p, "open the object", chromedp.Click(chromedp.CSS("#upload-link")))
	p.waitUntil("the object's page", `location.pathname === `+strconv.Quote(objPath)+` && !!document.getElementById("decrypt-form") && !!(window.OpenSky && OpenSky.seal)`, actionTimeout)
	p.expectText("Download and decrypt", "In this browser", name)
	dir = p.downloadTo()
	run(p, "type the key", chromedp.SendKeys(chromedp.CSS("#decrypt-key"), keyText))
	run(p, "download and decrypt", chromedp.Click(chromedp.CSS("#decrypt-start")))
	p.waitUntil("the decrypted file", `!document.getElementById("decrypt-done").hidden || !document.getElementById("decrypt-error").hidden`, storeTimeout)
	if msg := eval[string](p, `document.getElementById("decrypt-error").hidden ? "" : document.getElementById("decrypt-error").textContent`); msg != "" {
		t.Fatalf("download and decrypt failed: %s", msg)
	}
	if got := waitFile(t, dir, name, len(plain), storeTimeout); !bytes.Equal(got, plain) {
		t.Fatal("the browser saved a file that differs from the one uploaded")
	}
	if got := p.text("#decrypt-status"); !strings.Contains(got, "Verified every chunk and the CID") {
		t.Errorf("status after decrypting: %q", got)
	}
	p.assertClean()

	// From the saved key file, into a fresh directory.
	p.open(objPath)
	dir = p.downloadTo()
	run(p, "choose the key file", chromedp.SetUploadFiles(chromedp.CSS("#decrypt-keyfile"), []string{keyPath}))
	run(p, "download and decrypt", chromedp.Click(chromedp.CSS("#decrypt-start")))
	p.waitUntil("the decrypted file", `!document.getElementById("decrypt-done").hidden || !document.getElementById("decrypt-error").hidden`, storeTimeout)
	if got := waitFile(t, dir, name, len(plain), storeTimeout); !bytes.Equal(got, plain) {
		t.Fatal("the file opened with the key file differs from the one uploaded")
	}

	// A wrong key: a clear message, and nothing saved.
	p.open(objPath)
	dir = p.downloadTo()
	wrong := base64.RawURLEncoding.EncodeToString(random(t, 32))
	run(p, "type a wrong key", chromedp.SendKeys(chromedp.CSS("#decrypt-key"), wrong))
	run(p, "download and decrypt", chromedp.Click(chromedp.CSS("#decrypt-start")))
	p.waitUntil("the refusal", `!document.getElementById("decrypt-error").hidden`, storeTimeout)
	if msg := p.text("#decrypt-error"); !strings.Contains(msg, "This key does not open this object") || !strings.Contains(msg, "nothing was saved") {
		t.Errorf("wrong key: %q", msg)
	}
	if eval[bool](p, `!document.getElementById("decrypt-done").hidden`) {
		t.Error("after a wrong key the page offers a file to save")
	}
	// Not a key at all: refused before anything is fetched.
	eval[string](p, `document.getElementById("decrypt-key").value = ""`)
	run(p, "type a bad key", chromedp.SendKeys(chromedp.CSS("#decrypt-key"), "not a key"))
	run(p, "download and decrypt", chromedp.Click(chromedp.CSS("#decrypt-start")))
	p.waitUntil("the refusal", `document.getElementById("decrypt-error").textContent.includes("That is not a content key")`, actionTimeout)
	time.Sleep(500 * time.Millisecond) // a download would have started by now
	if entries, err := os.ReadDir(dir); err != nil || len(entries) != 0 {
		t.Errorf("after a wrong key the browser saved %d files (%v)", len(entries), err)
	}
	p.assertClean()

	// The list shows it with its health, and the page fits a phone.
	p.open("/storage")
	p.expectText(name)
	p.emulatePhone()
	p.open("/storage/new")
	p.expectPhoneFit()
	p.open(objPath)
	p.expectPhoneFit()
}
