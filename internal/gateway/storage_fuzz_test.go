package gateway

import (
	"net/http"
	"net/url"
	"testing"
)

// FuzzStoragePutParams: the query of an upload is bounded and validated;
// whatever it holds, the parser either refuses it with a client error or
// returns an upload within bounds.
func FuzzStoragePutParams(f *testing.F) {
	f.Add("size=10&key=AAAA&name=a.txt&redundancy=10%2B4&duration=720h")
	f.Add("size=-1&key=")
	f.Add("size=1099511627777&key=AAAA")
	f.Add("size=0&key=%ff%fe&duration=-5s")
	f.Fuzz(func(t *testing.T, q string) {
		if _, err := url.ParseQuery(q); err != nil {
			return
		}
		r := &http.Request{Method: http.MethodPost, URL: &url.URL{Path: "/api/v1/storage", RawQuery: q}}
		p, err := storagePutParams(r)
		if err != nil {
			if status, _ := errorResponse(err); status != 400 {
				t.Fatalf("%q: status %d for %v", q, status, err)
			}
			return
		}
		if p.Size < 0 || p.Size > maxStorageBytes || len(p.WrappedKey) == 0 || p.Duration < 0 {
			t.Fatalf("%q accepted as %+v", q, p)
		}
	})
}
