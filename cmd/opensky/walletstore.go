package main

import (
	"bufio"
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"golang.org/x/term"

	"github.com/opensky-network/opensky/internal/identity"
)

// Environment variables of the wallet commands.
const (
	envHome       = "OPENSKY_HOME"
	envWallet     = "OPENSKY_WALLET"
	envPassphrase = "OPENSKY_PASSPHRASE"
)

// defaultWalletName is the wallet used when neither --wallet nor
// OPENSKY_WALLET names one.
const defaultWalletName = "default"

// Wallet errors.
var (
	// errNoTerminal is returned when a secret is needed, stdin is not a
	// terminal and nothing else supplies it.
	errNoTerminal = errors.New("stdin is not a terminal")
	// errWalletName is returned for a wallet name that is not a plain
	// file name.
	errWalletName = errors.New("invalid wallet name")
	// errNoWallet is returned when the named wallet does not exist.
	errNoWallet = errors.New("no such wallet")
)

// walletNameRE is what a wallet name may be: it becomes a file name.
var walletNameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// openskyHome is $OPENSKY_HOME, else ~/.opensky.
func openskyHome() string {
	if h := os.Getenv(envHome); h != "" {
		return h
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return filepath.Join(os.TempDir(), ".opensky")
	}
	return filepath.Join(home, ".opensky")
}

// walletDir is the directory that holds the wallets, one keystore file
// NAME.json each.
func walletDir() string {
	return filepath.Join(openskyHome(), "wallets")
}

// walletPath returns the keystore file of the wallet name.
func walletPath(name string) (string, error) {
	if !walletNameRE.MatchString(name) {
		return "", fmt.Errorf("%w %q: use up to 64 letters, digits, '.', '_' or '-', starting with a letter or digit", errWalletName, name)
	}
	return filepath.Join(walletDir(), name+".json"), nil
}

// walletNameFlag is the --wallet flag's default: $OPENSKY_WALLET, else
// "default".
func walletNameFlag() string {
	return cmp.Or(os.Getenv(envWallet), defaultWalletName)
}

// loadWallet decrypts the wallet name with the passphrase from
// OPENSKY_PASSPHRASE or, when that is unset, asked on the terminal. A
// wallet is decrypted once per command: the request signer and the
// payment use the same.
func loadWallet(g *globals, name string) (*identity.Account, error) {
	g.walletsMu.Lock()
	defer g.walletsMu.Unlock()
	if a := g.wallets[name]; a != nil {
		return a, nil
	}
	a, err := decryptWallet(name)
	if err != nil {
		return nil, err
	}
	if g.wallets == nil {
		g.wallets = map[string]*identity.Account{}
	}
	g.wallets[name] = a
	return a, nil
}

// decryptWallet reads and decrypts the wallet name.
func decryptWallet(name string) (*identity.Account, error) {
	path, err := walletPath(name)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w %q (%s): create one with 'opensky wallet new' or 'opensky wallet import'", errNoWallet, name, path)
	}
	pass, err := readPassphrase(fmt.Sprintf("Passphrase for wallet %q: ", name), false)
	if err != nil {
		return nil, err
	}
	a, err := identity.LoadAccount(path, pass)
	if errors.Is(err, identity.ErrWrongPassphrase) {
		return nil, fmt.Errorf("wallet %q: wrong passphrase (or %s was altered): %w", name, path, identity.ErrWrongPassphrase)
	}
	if err != nil {
		return nil, fmt.Errorf("wallet %q: %w", name, err)
	}
	return a, nil
}

// newWalletPath returns the keystore file for a new wallet name, or an
// error when the name is invalid or taken.
func newWalletPath(name string) (string, error) {
	path, err := walletPath(name)
	if err != nil {
		return "", err
	}
	if _, err := os.Lstat(path); err == nil {
		return "", fmt.Errorf("wallet %q already exists (%s): choose another name with --wallet", name, path)
	}
	return path, nil
}

// saveWallet stores a as the wallet name, refusing to replace one.
func saveWallet(name string, a *identity.Account) (string, error) {
	path, err := newWalletPath(name)
	if err != nil {
		return "", err
	}
	pass, err := readPassphrase(fmt.Sprintf("New passphrase for wallet %q: ", name), true)
	if err != nil {
		return "", err
	}
	if err := identity.SaveAccount(path, a, pass); err != nil {
		if errors.Is(err, identity.ErrExists) {
			return "", fmt.Errorf("wallet %q already exists (%s): choose another name with --wallet", name, path)
		}
		return "", fmt.Errorf("wallet %q: %w", name, err)
	}
	return path, nil
}

// stdinIsTerminal reports whether stdin is a terminal; tests replace it.
var stdinIsTerminal = func() bool {
	return term.IsTerminal(int(os.Stdin.Fd()))
}

// readPassphrase returns $OPENSKY_PASSPHRASE when it is set, else asks on
// the terminal without echo, twice when confirm is set. An empty
// passphrase is refused.
func readPassphrase(prompt string, confirm bool) (string, error) {
	if p, ok := os.LookupEnv(envPassphrase); ok {
		if p == "" {
			return "", fmt.Errorf("%s is set but empty: a wallet needs a passphrase", envPassphrase)
		}
		return p, nil
	}
	if !stdinIsTerminal() {
		return "", fmt.Errorf("%w: set %s to give the wallet passphrase", errNoTerminal, envPassphrase)
	}
	p, err := readHidden(prompt)
	if err != nil {
		return "", err
	}
	if p == "" {
		return "", errors.New("empty passphrase: a wallet needs a passphrase")
	}
	if confirm {
		again, err := readHidden("Repeat the passphrase: ")
		if err != nil {
			return "", err
		}
		if again != p {
			return "", errors.New("the passphrases do not match")
		}
	}
	return p, nil
}

// readHidden prompts on stderr and reads a line from the terminal on
// stdin without echo.
func readHidden(prompt string) (string, error) {
	fmt.Fprint(os.Stderr, prompt)
	b, err := term.ReadPassword(int(os.Stdin.Fd()))
	fmt.Fprintln(os.Stderr)
	if err != nil {
		return "", fmt.Errorf("read from the terminal: %w", err)
	}
	return string(b), nil
}

// maxSecretInput bounds a secret URI read from stdin.
const maxSecretInput = 4 << 10

// readSecretLine reads the first line of r, without its line ending.
func readSecretLine(r io.Reader) (string, error) {
	br := bufio.NewReaderSize(io.LimitReader(r, maxSecretInput+1), 512)
	line, err := br.ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read the secret from stdin: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if len(line) > maxSecretInput {
		return "", fmt.Errorf("the secret on stdin is longer than %d bytes", maxSecretInput)
	}
	return line, nil
}
