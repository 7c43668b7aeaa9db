package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/opensky-network/opensky/internal/identity"
)

const aliceAddress = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"

// walletEnv points OPENSKY_HOME at a temporary directory, sets the
// passphrase and makes stdin look like no terminal. It returns the
// wallets directory.
func walletEnv(t *testing.T, passphrase string) string {
	t.Helper()
	home := t.TempDir()
	t.Setenv(envHome, home)
	t.Setenv(envWallet, "")
	t.Setenv(envPassphrase, passphrase)
	saved := stdinIsTerminal
	stdinIsTerminal = func() bool { return false }
	t.Cleanup(func() { stdinIsTerminal = saved })
	return filepath.Join(home, "wallets")
}

// walletCLI runs 'opensky wallet ARGS' the way run does, with the wallet
// command under a bare root.
func walletCLI(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb strings.Builder
	root := &cobra.Command{Use: "opensky", SilenceUsage: true, SilenceErrors: true}
	root.AddCommand(newWalletCmd(&globals{}))
	root.SetArgs(append([]string{"wallet"}, args...))
	root.SetIn(strings.NewReader(stdin))
	root.SetOut(&out)
	root.SetErr(&errb)
	if err := root.ExecuteContext(t.Context()); err != nil {
		fmt.Fprintln(&errb, "opensky:", err)
		return 1, out.String(), errb.String()
	}
	return 0, out.String(), errb.String()
}

func TestWalletNewShowList(t *testing.T) {
	dir := walletEnv(t, "correct horse battery staple")

	code, stdout, stderr := walletCLI(t, "", "new", "-o", "json")
	if code != 0 {
		t.Fatalf("new: %s", stderr)
	}
	var created walletCreated
	if err := json.Unmarshal([]byte(stdout), &created); err != nil {
		t.Fatalf("new -o json printed %q: %v", stdout, err)
	}
	if created.File != filepath.Join(dir, "default.json") {
		t.Errorf("file %s, want default.json in %s", created.File, dir)
	}
	if n := len(strings.Fields(created.Mnemonic)); n != 12 {
		t.Errorf("mnemonic of %d words", n)
	}
	a, err := identity.AccountFromURI(created.Mnemonic)
	if err != nil || a.Address() != created.Address {
		t.Fatalf("the mnemonic gives %v (%v), not %s", a, err, created.Address)
	}
	data, err := os.ReadFile(created.File)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), strings.Fields(created.Mnemonic)[0]+" ") {
		t.Fatal("the wallet file holds the mnemonic in the clear")
	}

	code, stdout, stderr = walletCLI(t, "", "show")
	if code != 0 || !strings.Contains(stdout, created.Address) || !strings.Contains(stdout, created.File) {
		t.Fatalf("show: code %d, stdout %q, stderr %q", code, stdout, stderr)
	}

	code, stdout, stderr = walletCLI(t, "", "new", "--wallet", "second")
	if code != 0 {
		t.Fatalf("new --wallet second: %s", stderr)
	}
	if !strings.Contains(stdout, "secret phrase") || !strings.Contains(stdout, "Write the phrase down") {
		t.Errorf("new does not show the phrase with a warning:\n%s", stdout)
	}

	code, stdout, stderr = walletCLI(t, "", "list")
	if code != 0 {
		t.Fatalf("list: %s", stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 3 || !strings.Contains(lines[1], "*") || !strings.Contains(lines[1], "default") ||
		!strings.Contains(lines[1], created.Address) || !strings.Contains(lines[2], "second") {
		t.Fatalf("list:\n%s", stdout)
	}
	code, stdout, _ = walletCLI(t, "", "list", "-o", "json")
	var ws []walletInfo
	if code != 0 || json.Unmarshal([]byte(stdout), &ws) != nil || len(ws) != 2 || ws[0].Address != created.Address {
		t.Fatalf("list -o json: %s", stdout)
	}

	loaded, err := loadWallet(&globals{}, defaultWalletName)
	if err != nil || loaded.Address() != created.Address {
		t.Fatalf("loadWallet = %v, %v", loaded, err)
	}

	// A wallet is never replaced.
	code, _, stderr = walletCLI(t, "", "new")
	if code == 0 || !strings.Contains(stderr, "already exists") {
		t.Fatalf("new over an existing wallet: code %d, %s", code, stderr)
	}
	if again, err := os.ReadFile(created.File); err != nil || string(again) != string(data) {
		t.Fatal("the existing wallet file changed")
	}
}

func TestWalletImportAlice(t *testing.T) {
	walletEnv(t, "dev")
	code, stdout, stderr := walletCLI(t, " //Alice \r\n", "import", "--wallet", "alice", "--uri-stdin")
	if code != 0 {
		t.Fatalf("import: %s", stderr)
	}
	if !strings.Contains(stdout, aliceAddress) {
		t.Fatalf("import printed %q, want Alice's address", stdout)
	}
	a, err := loadWallet(&globals{}, "alice")
	if err != nil || a.Address() != aliceAddress {
		t.Fatalf("loadWallet = %v, %v", a, err)
	}
	t.Setenv(envWallet, "alice")
	code, stdout, _ = walletCLI(t, "", "show", "-o", "json")
	var wi walletInfo
	if code != 0 || json.Unmarshal([]byte(stdout), &wi) != nil || wi.Name != "alice" || wi.Address != aliceAddress {
		t.Fatalf("show with OPENSKY_WALLET=alice: %s", stdout)
	}
}

func TestWalletImportRejects(t *testing.T) {
	dir := walletEnv(t, "dev")
	for name, stdin := range map[string]string{
		"empty":       "\n",
		"not words":   "hello world\n",
		"short seed":  "0x1234\n",
		"bad path":    "//Alice/\n",
		"no stdin":    "",
		"bad phrase.": "bottom drive obey lake curtain smoke basket hold race lonely fit fit\n",
	} {
		code, _, stderr := walletCLI(t, stdin, "import", "--uri-stdin")
		if code == 0 || !strings.Contains(stderr, "secret URI") {
			t.Errorf("%s: code %d, stderr %q", name, code, stderr)
		}
		if strings.Contains(stderr, "lonely") {
			t.Errorf("%s: the error repeats the secret: %q", name, stderr)
		}
	}
	code, _, stderr := walletCLI(t, "", "import")
	if code == 0 || !strings.Contains(stderr, "--uri-stdin") {
		t.Errorf("import without a terminal or --uri-stdin: code %d, %q", code, stderr)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("a refused import left %d files", len(entries))
	}
}

func TestWalletWrongPassphrase(t *testing.T) {
	walletEnv(t, "first")
	if code, _, stderr := walletCLI(t, "//Bob\n", "import", "--wallet", "bob", "--uri-stdin"); code != 0 {
		t.Fatal(stderr)
	}
	t.Setenv(envPassphrase, "second")
	_, err := loadWallet(&globals{}, "bob")
	if !errors.Is(err, identity.ErrWrongPassphrase) || !strings.Contains(err.Error(), `wallet "bob": wrong passphrase`) {
		t.Fatalf("loadWallet = %v, want a wrong passphrase error naming the wallet", err)
	}
	if _, err := loadWallet(&globals{}, "carol"); !errors.Is(err, errNoWallet) || !strings.Contains(err.Error(), "opensky wallet new") {
		t.Fatalf("loadWallet of a missing wallet = %v", err)
	}
	if code, _, stderr := walletCLI(t, "", "show", "--wallet", "carol"); code == 0 || !strings.Contains(stderr, "no such wallet") {
		t.Fatalf("show of a missing wallet: %d, %q", code, stderr)
	}
}

func TestWalletPassphraseRequired(t *testing.T) {
	dir := walletEnv(t, "")
	// Set but empty: refused.
	if code, _, stderr := walletCLI(t, "", "new"); code == 0 || !strings.Contains(stderr, envPassphrase) || !strings.Contains(stderr, "empty") {
		t.Fatalf("empty passphrase: code %d, %q", code, stderr)
	}
	// Unset, and stdin is no terminal: the error names the variable.
	if err := os.Unsetenv(envPassphrase); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := walletCLI(t, "", "new")
	if code == 0 || !strings.Contains(stderr, envPassphrase) || !strings.Contains(stderr, "not a terminal") {
		t.Fatalf("no passphrase: code %d, %q", code, stderr)
	}
	if stdout != "" {
		t.Errorf("a failed new printed %q", stdout)
	}
	if _, err := loadWallet(&globals{}, "default"); err == nil {
		t.Fatal("loadWallet worked without a wallet")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("a refused new left %d files", len(entries))
	}
}

func TestWalletName(t *testing.T) {
	walletEnv(t, "pw")
	for _, name := range []string{"../evil", "a/b", ".hidden", "", strings.Repeat("x", 65), "sp ace"} {
		if code, _, stderr := walletCLI(t, "", "new", "--wallet", name); code == 0 || !strings.Contains(stderr, "invalid wallet name") {
			t.Errorf("--wallet %q: code %d, %q", name, code, stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(walletDir()), "evil.json")); err == nil {
		t.Error("a wallet escaped its directory")
	}
}
