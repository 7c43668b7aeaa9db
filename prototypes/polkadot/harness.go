package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/opensky-network/opensky/prototypes/polkadot/nsnode"

	gsrpc "github.com/centrifuge/go-substrate-rpc-client/v4"
	gethrpc "github.com/centrifuge/go-substrate-rpc-client/v4/gethrpc"
	gsrpcrpc "github.com/centrifuge/go-substrate-rpc-client/v4/rpc"
)

func init() {
	if os.Getenv(nsnode.ChildEnv) == "1" {
		nsnode.Child()
	}
}

// nsClient adapts a gethrpc client dialled with a custom http.Client to the
// gsrpc client.Client interface.
type nsClient struct {
	*gethrpc.Client
	url string
}

func (c nsClient) URL() string { return c.url }

// harness starts Gossamer in its own namespace and runs the main scenario
// through the Unix socket.
func harness(ctx context.Context, bin, spec string, mortal bool) error {
	dir, err := os.MkdirTemp("", "nsnode-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	t0 := time.Now()
	n, err := nsnode.Start(dir, 9944, bin, "--chain", spec, "--base-path", dir+"/base", "--key", "alice",
		"--role", "authority", "--public-ip", "127.0.0.1", "--no-bootstrap", "--no-mdns", "--no-telemetry",
		"--rpc-host", "127.0.0.1", "--rpc-port", "9944", "--unsafe-rpc", "--grandpa-interval", "1s")
	if err != nil {
		return err
	}
	defer n.Stop()
	hc := n.HTTPClient()
	var api *gsrpc.SubstrateAPI
	for {
		c, err := gethrpc.DialHTTPWithClient("http://gossamer/", hc)
		if err != nil {
			return err
		}
		cl := nsClient{c, "http://gossamer/"}
		r, err := gsrpcrpc.NewRPC(cl) // fails until the RPC port is up
		if err == nil {
			api = &gsrpc.SubstrateAPI{RPC: r, Client: cl}
			break
		}
		c.Close()
		if time.Since(t0) > 60*time.Second {
			logb, _ := os.ReadFile(n.Log)
			if len(logb) > 3000 {
				logb = logb[len(logb)-3000:]
			}
			return fmt.Errorf("node not ready: %w\n%s", err, logb)
		}
		time.Sleep(500 * time.Millisecond)
	}
	slog.Info("node ready through unix socket", "took", time.Since(t0))
	// wait for first finalized block > 0
	nd := &node{api: api}
	for {
		_, num, err := nd.finalized(ctx)
		if err == nil && num > 0 {
			slog.Info("first finalized block", "number", num, "after", time.Since(t0))
			break
		}
		time.Sleep(time.Second)
	}
	return scenario(ctx, api, mortal)
}
