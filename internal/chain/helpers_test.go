package chain

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/cometbft/cometbft/abci/example/kvstore"
	abcitypes "github.com/cometbft/cometbft/abci/types"

	"github.com/opensky-network/opensky/internal/testlog"
)

const testChainID = "opensky-test"

// rejectCode is what testApp answers CheckTx with for txs starting "bad".
const rejectCode = 7

// testApp is CometBFT's kvstore ("key=value" txs, query by key) that
// rejects txs starting with "bad" in CheckTx, with a code and a log.
type testApp struct {
	*kvstore.Application
}

func newTestApp() *testApp { return &testApp{kvstore.NewInMemoryApplication()} }

func (a *testApp) CheckTx(ctx context.Context, req *abcitypes.CheckTxRequest) (*abcitypes.CheckTxResponse, error) {
	if bytes.HasPrefix(req.Tx, []byte("bad")) {
		return &abcitypes.CheckTxResponse{Code: rejectCode, Log: fmt.Sprintf("refusing %q", req.Tx)}, nil
	}
	return a.Application.CheckTx(ctx, req)
}

// singleOptions lays out a one-validator chain in a temp dir.
func singleOptions(t *testing.T) Options {
	t.Helper()
	opts, err := InitNetwork(t.TempDir(), 1, testChainID, nil)
	if err != nil {
		t.Fatal(err)
	}
	o := opts[0]
	o.Logger = testlog.New(t)
	return o
}

func startNode(t *testing.T, app abcitypes.Application, o Options) *Node {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	n, err := Start(ctx, app, o)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := n.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return n
}

func testCtx(t *testing.T, d time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func hasAttr(events []abcitypes.Event, key, value string) bool {
	for _, e := range events {
		for _, a := range e.Attributes {
			if a.Key == key && a.Value == value {
				return true
			}
		}
	}
	return false
}
