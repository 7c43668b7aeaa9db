package chain

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"
	"github.com/cometbft/cometbft/rpc/core"
	rpcserver "github.com/cometbft/cometbft/rpc/jsonrpc/server"
	"github.com/cometbft/cometbft/types"
	"golang.org/x/net/netutil"
)

// rpcServer serves CometBFT's JSON-RPC (HTTP and websocket) for a node.
// The node's own RPC server is not used because it cannot report the port
// it bound nor be shut down on its own.
type rpcServer struct {
	srv  *http.Server
	addr string // "tcp://host:port", as bound
}

func serveRPC(addr string, env *core.Environment, bus *types.EventBus, cfg *cmtcfg.RPCConfig, logger cmtLogger) (*rpcServer, error) {
	host, port, err := splitListen(addr)
	if err != nil {
		return nil, fmt.Errorf("%w: RPCListen: %w", ErrInvalidOptions, err)
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(host, port))
	if err != nil {
		return nil, fmt.Errorf("chain: rpc listen: %w", err)
	}
	bound := "tcp://" + ln.Addr().String()
	if cfg.MaxOpenConnections > 0 {
		ln = netutil.LimitListener(ln, cfg.MaxOpenConnections)
	}

	log := logger.With("module", "rpc-server")
	routes := env.GetRoutes()
	mux := http.NewServeMux()
	wm := rpcserver.NewWebsocketManager(routes,
		rpcserver.OnDisconnect(func(remoteAddr string) {
			_ = bus.UnsubscribeAll(context.Background(), remoteAddr)
		}),
		rpcserver.ReadLimit(cfg.MaxBodyBytes),
		rpcserver.WriteChanCapacity(cfg.WebSocketWriteBufferSize),
	)
	wm.SetLogger(log.With("protocol", "websocket"))
	mux.HandleFunc("/websocket", wm.WebsocketHandler)
	mux.HandleFunc("/v1/websocket", wm.WebsocketHandler)
	rpcserver.RegisterRPCFuncs(mux, routes, log)

	sc := rpcserver.DefaultConfig()
	sc.MaxBodyBytes = cfg.MaxBodyBytes
	sc.MaxHeaderBytes = cfg.MaxHeaderBytes
	sc.MaxRequestBatchSize = cfg.MaxRequestBatchSize
	srv := &http.Server{
		Handler:           rpcserver.PreChecksHandler(rpcserver.RecoverAndLogHandler(mux, log), sc),
		ReadTimeout:       sc.ReadTimeout,
		ReadHeaderTimeout: sc.ReadTimeout,
		// broadcast_tx_commit holds the response until the tx is in a block.
		WriteTimeout:   max(sc.WriteTimeout, cfg.TimeoutBroadcastTxCommit+time.Second),
		MaxHeaderBytes: sc.MaxHeaderBytes,
	}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("rpc server stopped", "err", err)
		}
	}()
	return &rpcServer{srv: srv, addr: bound}, nil
}

func (s *rpcServer) close() error {
	if err := s.srv.Close(); err != nil {
		return fmt.Errorf("chain: rpc server: %w", err)
	}
	return nil
}
