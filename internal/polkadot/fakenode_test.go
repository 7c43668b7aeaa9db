package polkadot

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// fakeNode answers JSON-RPC calls from a table, for unit tests of the
// client's calls; the integration test runs a real node.
type fakeNode struct {
	t       *testing.T
	mu      sync.Mutex
	methods map[string]func(params []json.RawMessage) (any, error)
	calls   map[string]int
	storage map[string]string // key hex -> value hex, at any block
}

func newFakeNode(t *testing.T) (*fakeNode, *httptest.Server) {
	f := &fakeNode{t: t, methods: map[string]func([]json.RawMessage) (any, error){},
		calls: map[string]int{}, storage: map[string]string{}}
	f.methods["state_getStorage"] = func(p []json.RawMessage) (any, error) {
		var key string
		if len(p) == 0 || json.Unmarshal(p[0], &key) != nil {
			return nil, fmt.Errorf("bad params")
		}
		f.mu.Lock()
		defer f.mu.Unlock()
		if v, ok := f.storage[key]; ok {
			return v, nil
		}
		return nil, nil
	}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv
}

// answer makes method return v whatever its parameters.
func (f *fakeNode) answer(method string, v any) {
	f.methods[method] = func([]json.RawMessage) (any, error) { return v, nil }
}

func (f *fakeNode) count(method string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[method]
}

func (f *fakeNode) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var req struct {
		ID     json.RawMessage   `json:"id"`
		Method string            `json:"method"`
		Params []json.RawMessage `json:"params"`
	}
	body, _ := io.ReadAll(r.Body)
	if err := json.Unmarshal(body, &req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	f.calls[req.Method]++
	m := f.methods[req.Method]
	f.mu.Unlock()
	resp := map[string]any{"jsonrpc": "2.0", "id": req.ID}
	if m == nil {
		resp["error"] = map[string]any{"code": -32601, "message": "no method " + req.Method}
	} else if v, err := m(req.Params); err != nil {
		resp["error"] = map[string]any{"code": -32000, "message": err.Error()}
	} else {
		resp["result"] = v
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(resp)
}
