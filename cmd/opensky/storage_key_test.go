package main

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/gateway"
	"github.com/opensky-network/opensky/internal/identity"
	"github.com/opensky-network/opensky/internal/spec"
	"github.com/opensky-network/opensky/internal/storage/seal"
)

// oneObject is a gateway.Storage that holds one object's record.
type oneObject struct {
	obj api.StoredObject
}

var errNotHere = errors.New("not in this test")

func (o *oneObject) Object(_ context.Context, cid, _ string) (*api.StoredObject, error) {
	if cid != o.obj.CID {
		return nil, fmt.Errorf("object %s: %w", cid, gateway.ErrNotFound)
	}
	obj := o.obj
	return &obj, nil
}
func (o *oneObject) PutObject(context.Context, string, api.StoragePut, io.Reader) (*api.StoredObject, error) {
	return nil, errNotHere
}
func (o *oneObject) Objects(context.Context, string) ([]api.StoredObject, error) {
	return nil, errNotHere
}
func (o *oneObject) GetObject(context.Context, string, string, io.Writer) error { return errNotHere }
func (o *oneObject) DeleteObject(context.Context, string, string) error         { return errNotHere }
func (o *oneObject) AuditObject(context.Context, string, string) ([]api.AuditResult, error) {
	return nil, errNotHere
}
func (o *oneObject) RepairObject(context.Context, string, string) (api.RepairReport, error) {
	return api.RepairReport{}, errNotHere
}
func (o *oneObject) Quote(context.Context, int64, string, time.Duration) (api.StorageQuote, error) {
	return api.StorageQuote{}, errNotHere
}
func (o *oneObject) ObjectBlob(context.Context, string, string, [32]byte, int64) (api.Blob, error) {
	return api.Blob{}, errNotHere
}
func (o *oneObject) PublishJob(context.Context, string, [32]byte, *api.Job) (*api.StoredObject, error) {
	return nil, errNotHere
}

// TestStorageKey: storage key prints the object's key, unwrapped with the
// wallet, in the web interface's form, with a warning on stderr; another
// account's wallet cannot unwrap it.
func TestStorageKey(t *testing.T) {
	alice := dev(t, "Alice")
	key, err := seal.NewKey()
	if err != nil {
		t.Fatal(err)
	}
	wrapped, err := seal.WrapKey(alice.PublicKey(), key)
	if err != nil {
		t.Fatal(err)
	}
	const cid = "bafkreiadrxw4h56fkqug2u44wxpvdxbs4qfyzxifl4lsg2rweqxzbzpu3m"
	st := &oneObject{obj: api.StoredObject{CID: cid, Name: "notes.txt", WrappedKey: wrapped}}
	b := &scriptedBackend{outcome: func(spec.Job) outcome { return outcome{phase: api.PhaseCompleted} }}
	ts := httptest.NewServer(gateway.New(b, gateway.WithStorage(st)).Handler())
	t.Cleanup(ts.Close)
	walletEnv(t, "pass")
	for name, a := range map[string]*identity.Account{defaultWalletName: alice, "bob": dev(t, "Bob")} {
		path, err := walletPath(name)
		if err != nil {
			t.Fatal(err)
		}
		if err := identity.SaveAccount(path, a, "pass"); err != nil {
			t.Fatal(err)
		}
	}

	code, stdout, stderr := chainCLI(t, ts.URL, "storage", "key", cid)
	if code != 0 {
		t.Fatalf("storage key: exit %d %s", code, stderr)
	}
	if got := strings.TrimSpace(stdout); got != base64.RawURLEncoding.EncodeToString(key[:]) || len(got) != 43 {
		t.Fatalf("storage key printed %q", stdout)
	}
	if !strings.Contains(stderr, "anyone with this key") {
		t.Errorf("no warning on stderr: %q", stderr)
	}

	if code, stdout, stderr := chainCLI(t, ts.URL, "storage", "key", cid, "--wallet", "bob"); code == 0 || stdout != "" || !strings.Contains(stderr, "does not open with wallet") {
		t.Errorf("bob's wallet: exit %d %q %q", code, stdout, stderr)
	}
	if code, _, stderr := chainCLI(t, ts.URL, "storage", "key", "not-a-cid"); code == 0 || !strings.Contains(stderr, "not an object CID") {
		t.Errorf("a bad CID: exit %d %q", code, stderr)
	}
	if code, _, stderr := chainCLI(t, ts.URL, "storage", "key", "bafkreibxoxxuxgggnuhkqhoj22s2uo6x6dk75octo34miryrhuh5p6p6ki"); code == 0 || !strings.Contains(stderr, "not found") {
		t.Errorf("an unknown object: exit %d %q", code, stderr)
	}
}
