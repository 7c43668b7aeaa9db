package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/config"
	"github.com/opensky-network/opensky/internal/devnet"
	"github.com/opensky-network/opensky/internal/ledger"
	"github.com/opensky-network/opensky/internal/wasmbuild"
)

// TestCLIStorageOnLocalChain drives the storage commands against a real
// local network with a chain: put locks a storage deal and prints a CID;
// ls, status and get show and return exactly what was stored (a file and
// a directory); another wallet's account sees none of it; a job takes a
// stored object as its input and publishes its outputs back, which job
// get then downloads from storage; an audit pays the providers from the
// deal; rm ends the deal and refunds the rest.
func TestCLIStorageOnLocalChain(t *testing.T) {
	net, err := devnet.Start(context.Background(), devnet.Options{
		Dir: t.TempDir(), Providers: 3, GatewayListen: "127.0.0.1:0", Chain: true,
		Provider: func(_ int, p *config.Provider) {
			p.CPU, p.Memory, p.PresenceInterval = "2", "2Gi", "200ms"
			// Dear enough that one audit period of a small file pays more
			// than a micro-dollar.
			p.Storage.PricePerGBMonth = "50"
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer net.Close()
	t.Setenv(envHome, t.TempDir())
	t.Setenv(envPassphrase, "correct horse battery staple")
	if code, _, stderr := cli(t, net.URL, "", "wallet", "new"); code != 0 {
		t.Fatalf("wallet new: exit %d: %s", code, stderr)
	}
	if code, _, stderr := cli(t, net.URL, "", "wallet", "faucet"); code != 0 {
		t.Fatalf("wallet faucet: exit %d: %s", code, stderr)
	}
	dir := t.TempDir()

	// A file: put, ls, status, get.
	data := make([]byte, 1_500_000)
	rand.Read(data)
	src := filepath.Join(dir, "data.bin")
	os.WriteFile(src, data, 0o644)
	code, stdout, stderr := cli(t, net.URL, "", "storage", "put", src, "--duration", "2d")
	if code != 0 || !strings.Contains(stderr, "storage deal") {
		t.Fatalf("storage put: exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}
	cid := strings.TrimSpace(stdout)
	if code, stdout, _ := cli(t, net.URL, "", "storage", "ls"); code != 0 || !strings.Contains(stdout, cid) || !strings.Contains(stdout, "3/3 live") {
		t.Fatalf("storage ls: exit %d\n%s", code, stdout)
	}
	code, stdout, stderr = cli(t, net.URL, "", "storage", "status", cid, "-o", "json")
	var obj api.StoredObject
	if code != 0 || json.Unmarshal([]byte(stdout), &obj) != nil || obj.Redundancy != "2+1" || len(obj.Shards) != 3 || obj.Deal == "" {
		t.Fatalf("storage status: exit %d\n%s\n%s", code, stdout, stderr)
	}
	out := filepath.Join(dir, "back.bin")
	if code, _, stderr := cli(t, net.URL, "", "storage", "get", cid, "-o", out); code != 0 {
		t.Fatalf("storage get: exit %d: %s", code, stderr)
	}
	if got, _ := os.ReadFile(out); !bytes.Equal(got, data) {
		t.Fatalf("storage get returned %d different bytes", len(got))
	}
	if code, _, stderr := cli(t, net.URL, "", "storage", "get", cid, "-o", out); code == 0 || !strings.Contains(stderr, "exists") {
		t.Fatalf("storage get over an existing file: exit %d: %s", code, stderr)
	}

	// A directory comes back as the same tree.
	tree := filepath.Join(dir, "tree")
	os.MkdirAll(filepath.Join(tree, "sub"), 0o755)
	os.WriteFile(filepath.Join(tree, "a.txt"), []byte("alpha"), 0o644)
	os.WriteFile(filepath.Join(tree, "sub", "b.txt"), []byte("beta"), 0o644)
	code, stdout, stderr = cli(t, net.URL, "", "storage", "put", tree)
	if code != 0 {
		t.Fatalf("storage put DIR: exit %d: %s", code, stderr)
	}
	treeCID := strings.TrimSpace(stdout)
	back := filepath.Join(dir, "tree-back")
	if code, _, stderr := cli(t, net.URL, "", "storage", "get", treeCID, "-o", back); code != 0 {
		t.Fatalf("storage get DIR: exit %d: %s", code, stderr)
	}
	if b, _ := os.ReadFile(filepath.Join(back, "sub", "b.txt")); string(b) != "beta" {
		t.Fatalf("directory came back with sub/b.txt = %q", b)
	}

	// Another account sees none of it.
	t.Setenv(envWallet, "other")
	if code, _, stderr := cli(t, net.URL, "", "wallet", "new"); code != 0 {
		t.Fatalf("wallet new other: exit %d: %s", code, stderr)
	}
	if code, _, stderr := cli(t, net.URL, "", "storage", "status", cid); code == 0 || !strings.Contains(stderr, "not found") {
		t.Fatalf("another account's storage status: exit %d: %s", code, stderr)
	}
	if code, stdout, _ := cli(t, net.URL, "", "storage", "ls"); code != 0 || strings.Contains(stdout, cid) {
		t.Fatalf("another account's storage ls: exit %d\n%s", code, stdout)
	}
	t.Setenv(envWallet, "default")

	// A job reads a stored object and publishes its outputs.
	text := filepath.Join(dir, "words.txt")
	os.WriteFile(text, []byte("sky sky network sky"), 0o644)
	code, stdout, stderr = cli(t, net.URL, "", "storage", "put", text)
	if code != 0 {
		t.Fatalf("storage put words: exit %d: %s", code, stderr)
	}
	wordsCID := strings.TrimSpace(stdout)
	wc, err := wasmbuild.Build(context.Background(), "./examples/wordcount")
	if err != nil {
		t.Fatal(err)
	}
	spec := filepath.Join(dir, "job.yaml")
	os.WriteFile(spec, []byte("apiVersion: opensky/v1\nengine: wasm\nmodule: "+wc+"\ninputs:\n  - {name: words.txt, object: "+wordsCID+"}\nresources: {cpu: 500m, memory: 64Mi, timeout: 1m}\n"), 0o644)
	code, stdout, stderr = cli(t, net.URL, "", "job", "run", "-f", spec, "-o", "json")
	var j api.Job
	if code != 0 || json.Unmarshal([]byte(stdout), &j) != nil || j.Phase != api.PhaseCompleted {
		t.Fatalf("job run with a stored input: exit %d\n%s\n%s", code, stdout, stderr)
	}
	code, stdout, stderr = cli(t, net.URL, "", "job", "publish", j.ID)
	if code != 0 {
		t.Fatalf("job publish: exit %d: %s", code, stderr)
	}
	jobOut := filepath.Join(dir, "job-out")
	code, stdout, stderr = cli(t, net.URL, "", "job", "get", j.ID, "-o", jobOut)
	if code != 0 || !strings.Contains(stderr, "from storage object") {
		t.Fatalf("job get of published outputs: exit %d\n%s\n%s", code, stdout, stderr)
	}
	counts, _ := os.ReadFile(filepath.Join(jobOut, "counts.txt"))
	if !strings.Contains(string(counts), "sky 3") {
		t.Fatalf("the job counted %q in the stored input", counts)
	}

	// An audit pays the providers from the deal; rm refunds the rest.
	if code, _, stderr := cli(t, net.URL, "", "storage", "status", cid, "--audit"); code != 0 || !strings.Contains(stderr, "3 of 3") {
		t.Fatalf("storage status --audit: exit %d: %s", code, stderr)
	}
	deal, err := net.Gateway.Ledger.Deal(context.Background(), obj.Deal)
	if err != nil || deal.State != ledger.DealActive || deal.Audited != 1 || deal.Paid == 0 {
		t.Fatalf("deal after one audit: %+v (%v)", deal, err)
	}
	if code, _, stderr := cli(t, net.URL, "", "storage", "rm", cid); code != 0 {
		t.Fatalf("storage rm: exit %d: %s", code, stderr)
	}
	deal, err = net.Gateway.Ledger.Deal(context.Background(), obj.Deal)
	if err != nil || deal.State != ledger.DealClosed || deal.Refunded == 0 || deal.Paid+deal.Fee+deal.Refunded != deal.Amount {
		t.Fatalf("deal after rm: %+v (%v)", deal, err)
	}
	if code, _, _ := cli(t, net.URL, "", "storage", "status", cid); code == 0 {
		t.Fatal("storage status after rm succeeded")
	}
	if code, stdout, stderr := cli(t, net.URL, "", "chain", "check"); code != 0 {
		t.Fatalf("chain check: exit %d\n%s\n%s", code, stdout, stderr)
	}
}
