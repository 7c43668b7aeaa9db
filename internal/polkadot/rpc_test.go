package polkadot

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

// bigAnswer writes a JSON-RPC answer whose result is a 20 MiB string.
func bigAnswer(withLength bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		const size = 20 << 20
		head, tail := `{"jsonrpc":"2.0","id":1,"result":"0x`, `"}`
		if withLength {
			w.Header().Set("Content-Length", strconv.Itoa(len(head)+size+len(tail)))
		}
		io.WriteString(w, head)
		chunk := []byte(strings.Repeat("00", 32<<10))
		for n := 0; n < size; n += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
		io.WriteString(w, tail)
	}
}

func TestResponseBodyIsBounded(t *testing.T) {
	for _, withLength := range []bool{true, false} {
		srv := httptest.NewServer(bigAnswer(withLength))
		r, err := newRPC(srv.URL, nil, defaultMaxResponse, 10*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		var out string
		err = r.call(context.Background(), &out, "state_getMetadata")
		if !errors.Is(err, ErrResponseTooLarge) {
			t.Errorf("Content-Length %v: 20 MiB answer gave %v (%d bytes), want ErrResponseTooLarge", withLength, err, len(out))
		}
		if errors.Is(err, ErrUnavailable) {
			t.Errorf("a too-large answer is not an unavailable node: %v", err)
		}
		r.close()
		srv.Close()
	}
}

func TestUnreachableNode(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	_, err = Dial(context.Background(), Options{URL: "http://" + addr, Asset: native, Timeout: 5 * time.Second})
	if !errors.Is(err, ErrUnavailable) {
		t.Fatalf("Dial to a closed port: %v, want ErrUnavailable", err)
	}
}

func TestErrorClasses(t *testing.T) {
	block := make(chan struct{})
	defer close(block)
	for _, c := range []struct {
		name    string
		handler http.HandlerFunc
		want    error
	}{
		{"503", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "busy", http.StatusServiceUnavailable) }, ErrUnavailable},
		{"hangs", func(w http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, r.Body) // the server notices a closed client only after the body
			select {
			case <-block:
			case <-r.Context().Done():
			}
		}, ErrUnavailable},
		{"closes", func(w http.ResponseWriter, r *http.Request) {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
		}, ErrUnavailable},
		{"rpc error", func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, `{"jsonrpc":"2.0","id":1,"error":{"code":1010,"message":"Invalid Transaction"}}`)
		}, ErrRPC},
	} {
		srv := httptest.NewServer(c.handler)
		r, err := newRPC(srv.URL, nil, defaultMaxResponse, 300*time.Millisecond)
		if err != nil {
			t.Fatal(err)
		}
		var out string
		if err := r.call(context.Background(), &out, "author_submitExtrinsic", "0x00"); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
		r.close()
		srv.Close()
	}
}

func TestCancelledContextIsNotUnavailable(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		<-r.Context().Done()
	}))
	defer srv.Close()
	r, err := newRPC(srv.URL, nil, defaultMaxResponse, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	defer r.close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out string
	if err := r.call(ctx, &out, "chain_getFinalizedHead"); !errors.Is(err, context.Canceled) || errors.Is(err, ErrUnavailable) {
		t.Fatalf("cancelled call: %v, want context.Canceled and not ErrUnavailable", err)
	}
}
