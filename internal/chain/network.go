package chain

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"path/filepath"
)

// InitNetwork lays out a network of n validators under root: homes
// root/node0 … root/node{n-1}, each with its keys and one shared genesis
// (equal voting power), and returns for each the Options to Start it with,
// listening on a free port of 127.0.0.1 and with all the others as
// persistent peers. Ports are picked now and may be taken by another
// process before Start; tests that hit that can retry.
//
// Calling it again on the same root keeps the keys but makes a new genesis,
// which Start refuses on homes that have one (ErrGenesisMismatch): use a
// fresh root for a fresh network, and Options.Genesis = nil to restart one.
func InitNetwork(root string, n int, chainID string, appState json.RawMessage) ([]Options, error) {
	if n < 1 {
		return nil, errors.New("chain: a network needs at least one validator")
	}
	keys := make([]ValidatorKey, n)
	homes := make([]string, n)
	for i := range n {
		homes[i] = filepath.Join(root, fmt.Sprintf("node%d", i))
		k, err := InitValidator(homes[i])
		if err != nil {
			return nil, err
		}
		keys[i] = k
	}
	gen, err := NewGenesis(chainID, keys, appState)
	if err != nil {
		return nil, err
	}
	addrs, err := freeAddrs(n)
	if err != nil {
		return nil, err
	}
	opts := make([]Options, n)
	for i := range n {
		var peers []string
		for j := range n {
			if j != i {
				peers = append(peers, keys[j].NodeID+"@"+addrs[j])
			}
		}
		opts[i] = Options{
			Dir:       homes[i],
			Genesis:   gen,
			Moniker:   keys[i].Name,
			P2PListen: "tcp://" + addrs[i],
			Peers:     peers,
		}
	}
	return opts, nil
}

// freeAddrs picks n distinct free ports on 127.0.0.1, holding them all
// until the last is picked so that none is handed out twice.
func freeAddrs(n int) ([]string, error) {
	addrs := make([]string, 0, n)
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("chain: finding a free port: %w", err)
		}
		defer l.Close()
		addrs = append(addrs, l.Addr().String())
	}
	return addrs, nil
}
