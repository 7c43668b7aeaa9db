package api

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAPIErrorFromJSONBody(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, `{"code":"invalid_spec","message":"the job spec is invalid","hint":"see the docs","details":[{"path":"resources.memory","message":"too small"}]}`)
	}))
	defer ts.Close()
	_, err := NewClient(ts.URL).GetJob(t.Context(), "x")
	var ae *APIError
	if !errors.As(err, &ae) {
		t.Fatalf("error %v is not an *APIError", err)
	}
	if ae.Status != 400 || ae.Body.Code != "invalid_spec" || len(ae.Body.Details) != 1 {
		t.Fatalf("error %+v", ae)
	}
	want := "the job spec is invalid\n  resources.memory: too small\nhint: see the docs"
	if ae.Error() != want {
		t.Fatalf("message %q, want %q", ae.Error(), want)
	}
}

func TestAPIErrorFromForeignBody(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "<html>bad gateway</html>", http.StatusBadGateway)
	}))
	defer ts.Close()
	_, err := NewClient(ts.URL).Providers(t.Context())
	var ae *APIError
	if !errors.As(err, &ae) || ae.Status != 502 || ae.Body.Code != "bad_gateway" || !strings.Contains(ae.Error(), "502") {
		t.Fatalf("error %v", err)
	}
}

func TestUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	_, err = NewClient(addr).Node(t.Context())
	var ue *UnreachableError
	if !errors.As(err, &ue) {
		t.Fatalf("error %v is not an *UnreachableError", err)
	}
	msg := err.Error()
	if !strings.Contains(msg, "cannot reach the OpenSky gateway at http://"+addr) || !strings.Contains(msg, "opensky up") || !strings.Contains(msg, "OPENSKY_API") {
		t.Fatalf("message %q", msg)
	}
}

func TestCancelledContextIsNotUnreachable(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := NewClient("http://127.0.0.1:1").Node(ctx)
	var ue *UnreachableError
	if errors.As(err, &ue) || !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v", err)
	}
}

func TestWatchJobEndsAtTerminal(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.EscapedPath() != "/api/v1/jobs/j%201/watch" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprintln(w, `{"id":"j 1","version":1,"phase":"queued"}`)
		fmt.Fprintln(w, `{"id":"j 1","version":2,"phase":"completed"}`)
	}))
	defer ts.Close()
	var phases []Phase
	err := NewClient(ts.URL).WatchJob(t.Context(), "j 1", func(j Job) error {
		phases = append(phases, j.Phase)
		return nil
	})
	if err != nil || len(phases) != 2 || phases[1] != PhaseCompleted {
		t.Fatalf("err %v phases %v", err, phases)
	}
}

func TestWatchJobEndingEarlyIsAnError(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, `{"id":"j","version":1,"phase":"running"}`)
	}))
	defer ts.Close()
	err := NewClient(ts.URL).WatchJob(t.Context(), "j", func(Job) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "ended before the job finished") {
		t.Fatalf("err %v", err)
	}
}

func TestWatchJobCallbackErrorStops(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, `{"id":"j","version":1,"phase":"running"}`)
		fmt.Fprintln(w, `{"id":"j","version":2,"phase":"completed"}`)
	}))
	defer ts.Close()
	stop := errors.New("stop")
	calls := 0
	err := NewClient(ts.URL).WatchJob(t.Context(), "j", func(Job) error { calls++; return stop })
	if !errors.Is(err, stop) || calls != 1 {
		t.Fatalf("err %v calls %d", err, calls)
	}
}

func TestDownloadOutputEscapesPath(t *testing.T) {
	var got string
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.URL.EscapedPath()
		fmt.Fprint(w, "bytes")
	}))
	defer ts.Close()
	var buf bytes.Buffer
	if err := NewClient(ts.URL+"/").DownloadOutput(t.Context(), "job1", 2, "dir/a b?.txt", &buf); err != nil {
		t.Fatal(err)
	}
	if got != "/api/v1/jobs/job1/outputs/2/dir/a%20b%3F.txt" || buf.String() != "bytes" {
		t.Fatalf("path %q body %q", got, buf.String())
	}
}

func TestPutBlobSendsFileSize(t *testing.T) {
	var length int64
	var body string
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		length = r.ContentLength
		data, _ := io.ReadAll(r.Body)
		body = string(data)
		w.WriteHeader(http.StatusCreated)
		fmt.Fprint(w, `{"hash":"sha256:x","size":5}`)
	}))
	defer ts.Close()
	p := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(p, []byte("hello"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, err := NewClient(ts.URL).PutBlob(t.Context(), f)
	if err != nil || b.Size != 5 || length != 5 || body != "hello" {
		t.Fatalf("blob %+v err %v length %d body %q", b, err, length, body)
	}
}

func TestNewClientAddsScheme(t *testing.T) {
	if got := NewClient("127.0.0.1:7700/").BaseURL(); got != "http://127.0.0.1:7700" {
		t.Fatalf("base %q", got)
	}
	if got := NewClient("https://gw.example").BaseURL(); got != "https://gw.example" {
		t.Fatalf("base %q", got)
	}
}
