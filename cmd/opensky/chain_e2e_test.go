package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/config"
	"github.com/opensky-network/opensky/internal/devnet"
	"github.com/opensky-network/opensky/internal/ledger"
	"github.com/opensky-network/opensky/internal/wasmtest"
)

// TestCLIPaysForJobsOnLocalChain drives the wallet, job and chain
// commands against a real local network whose gateway is a CometBFT
// validator: a new wallet is funded by the faucet, wasm run locks an
// escrow and the job settles, the balance and history show it, and chain
// check passes.
func TestCLIPaysForJobsOnLocalChain(t *testing.T) {
	net, err := devnet.Start(context.Background(), devnet.Options{
		Dir: t.TempDir(), Providers: 2, GatewayListen: "127.0.0.1:0", Chain: true,
		Provider: func(_ int, p *config.Provider) { p.CPU = "2"; p.Memory = "2Gi"; p.PresenceInterval = "200ms" },
	})
	if err != nil {
		t.Fatal(err)
	}
	defer net.Close()
	t.Setenv(envHome, t.TempDir())
	t.Setenv(envPassphrase, "correct horse battery staple")

	code, stdout, stderr := cli(t, net.URL, "", "wallet", "new", "-o", "json")
	if code != 0 {
		t.Fatalf("wallet new: exit %d: %s", code, stderr)
	}
	var w struct{ Address string }
	if err := json.Unmarshal([]byte(stdout), &w); err != nil || w.Address == "" {
		t.Fatalf("wallet new -o json: %v\n%s", err, stdout)
	}
	if code, _, stderr := cli(t, net.URL, "", "wallet", "faucet"); code != 0 {
		t.Fatalf("wallet faucet: exit %d: %s", code, stderr)
	}

	mod := filepath.Join(t.TempDir(), "hello.wasm")
	os.WriteFile(mod, wasmtest.Print(1, "paid hello\n"), 0o644)
	code, stdout, stderr = cli(t, net.URL, "", "wasm", "run", "--max-price", "0.25", "--shards", "2", mod)
	if code != 0 || !strings.Contains(stdout, "paid hello") || !strings.Contains(stderr, "escrow e-") {
		t.Fatalf("wasm run: exit %d\nstdout %q\nstderr %s", code, stdout, stderr)
	}
	jobs, err := net.Gateway.Orchestrator.ListJobs(context.Background(), api.ListOptions{})
	if err != nil || len(jobs) != 1 {
		t.Fatalf("jobs: %v %d", err, len(jobs))
	}
	j, err := net.Gateway.Orchestrator.GetJob(context.Background(), jobs[0].ID)
	for err == nil && (j.Payment == nil || j.Payment.State == api.PaymentHeld) {
		j, err = net.Gateway.Orchestrator.WaitJob(context.Background(), j.ID, j.Version)
	}
	if err != nil || j.Payment.State != api.PaymentSettled || j.Payment.Budget != 250_000+ledger.Fee(250_000, 100) {
		t.Fatalf("payment %+v (%v)", j.Payment, err)
	}

	code, stdout, stderr = cli(t, net.URL, "", "wallet", "balance", "-o", "json")
	if code != 0 {
		t.Fatalf("wallet balance: exit %d: %s", code, stderr)
	}
	var bal ledger.AccountView
	if err := json.Unmarshal([]byte(stdout), &bal); err != nil {
		t.Fatalf("wallet balance -o json: %v\n%s", err, stdout)
	}
	want := 100*ledger.USD - j.Payment.Paid - j.Payment.Fee
	if bal.Address != w.Address || bal.Balance != want || bal.Nonce != 1 {
		t.Fatalf("balance %+v, want %d after paying %d + fee %d", bal, want, j.Payment.Paid, j.Payment.Fee)
	}
	if code, stdout, stderr := cli(t, net.URL, "", "wallet", "history"); code != 0 || !strings.Contains(stdout, "escrow/lock") {
		t.Fatalf("wallet history: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if code, stdout, stderr := cli(t, net.URL, "", "chain", "check"); code != 0 {
		t.Fatalf("chain check: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if code, stdout, _ := cli(t, net.URL, "", "chain", "status"); code != 0 || !strings.Contains(stdout, devnet.ChainID) {
		t.Fatalf("chain status: exit %d\n%s", code, stdout)
	}
}
