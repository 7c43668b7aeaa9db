package polkadottest

import (
	"os"
	"path/filepath"
	"testing"
)

func TestDevAccount(t *testing.T) {
	if got := DevAccount(t, "//Alice").Address(); got != "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY" {
		t.Errorf("//Alice is %s", got)
	}
	if DevAccount(t, "Bob").PublicKey() != DevAccount(t, "//Bob").PublicKey() {
		t.Error(`"Bob" and "//Bob" differ`)
	}
}

func TestRepoRoot(t *testing.T) {
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "scripts", "gossamer.sh")); err != nil {
		t.Fatalf("repository root %s has no scripts/gossamer.sh: %v", root, err)
	}
}

func TestCheckFiles(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "gossamer")
	if _, _, err := checkFiles(bin); err == nil {
		t.Fatal("a missing binary was accepted")
	}
	os.WriteFile(bin, []byte("#!/bin/sh\n"), 0o755)
	if _, _, err := checkFiles(bin); err == nil {
		t.Fatal("a binary without its chain spec was accepted")
	}
	os.WriteFile(filepath.Join(dir, specName), []byte("{}"), 0o644)
	if b, s, err := checkFiles(bin); err != nil || b != bin || s != filepath.Join(dir, specName) {
		t.Fatalf("checkFiles = %s, %s, %v", b, s, err)
	}
}
