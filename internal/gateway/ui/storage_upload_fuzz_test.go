package ui

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/gateway/auth"
)

// FuzzSaveAs: whatever an object is named, the name its plaintext is
// saved under is one file name: not empty, no directory, no control
// character, no character a file system refuses.
func FuzzSaveAs(f *testing.F) {
	for _, s := range []string{"photo.jpg", "photos/", "../../etc/passwd", `C:\x\y.txt`, "a\x00b", "", "..", "/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		got := saveAs(&api.StoredObject{CID: "bafkcid", Name: name})
		if got == "" || got == "." || got == ".." || strings.ContainsAny(got, "/\\\"<>|:*?") {
			t.Fatalf("saveAs(%q) = %q", name, got)
		}
		for _, r := range got {
			if r < 0x20 || r == 0x7f {
				t.Fatalf("saveAs(%q) = %q holds a control character", name, got)
			}
		}
		if utf8.ValidString(name) && !utf8.ValidString(got) {
			t.Fatalf("saveAs(%q) = %q is not UTF-8", name, got)
		}
	})
}

// FuzzCheckAPIWrite: a write with the session cookie is accepted only
// with the session's own API write token, from this origin.
func FuzzCheckAPIWrite(f *testing.F) {
	good := apiWriteToken(devToken)
	f.Add(good, "http://gw.test", "same-origin")
	f.Add(good, "http://evil.test", "")
	f.Add("", "http://gw.test", "")
	f.Add(good+"x", "http://gw.test", "same-origin")
	f.Add(good, "null", "cross-site")
	f.Fuzz(func(t *testing.T, token, origin, site string) {
		r := httptest.NewRequest("POST", "http://gw.test/api/v1/storage", nil)
		r.AddCookie(&http.Cookie{Name: auth.SessionCookieName("gw.test"), Value: devToken})
		r.Header.Set(APIWriteHeader, token)
		r.Header.Set("Origin", origin)
		r.Header.Set("Sec-Fetch-Site", site)
		err := CheckAPIWrite(r)
		if err != nil {
			if token == good && origin == "http://gw.test" && site == "same-origin" {
				t.Fatalf("the page's own request refused: %v", err)
			}
			return
		}
		u, perr := url.Parse(origin)
		switch {
		case token != good:
			t.Fatalf("token %q accepted", token)
		case site != "" && site != "same-origin":
			t.Fatalf("Sec-Fetch-Site %q accepted", site)
		case perr != nil || !strings.EqualFold(u.Host, "gw.test"):
			t.Fatalf("origin %q accepted", origin)
		}
	})
}
