package shardnet

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/opensky-network/opensky/internal/p2p"
	"github.com/opensky-network/opensky/internal/storage"
	"github.com/opensky-network/opensky/internal/storage/storetest"
)

// rogue serves the storage protocol with fn instead of a store.
func rogue(t *testing.T, fn p2p.StreamHandler) *Client {
	h := newHost(t, "rogue", tcpOnly, nil)
	h.HandleStream(Protocol, MaxRequest, fn)
	return NewClient(newHost(t, "client", tcpOnly, h), h.ID())
}

func TestClientRefusesWrongAmounts(t *testing.T) {
	piece := make([]byte, storage.PieceSize)
	for _, tc := range []struct {
		name  string
		serve func(s *p2p.Stream) error
		call  func(c *Client) error
	}{
		{"read extra bytes", func(s *p2p.Stream) error {
			if err := s.WriteMessage(&ReadReady{Bytes: storage.PieceSize}); err != nil {
				return err
			}
			_, err := s.Write(append(piece, 0))
			return err
		}, readOne},
		{"read short", func(s *p2p.Stream) error {
			if err := s.WriteMessage(&ReadReady{Bytes: storage.PieceSize}); err != nil {
				return err
			}
			_, err := s.Write(piece[1:])
			return err
		}, readOne},
		{"read announces another size", func(s *p2p.Stream) error {
			return s.WriteMessage(&ReadReady{Bytes: 2 * storage.PieceSize})
		}, readOne},
		{"too many leaves", func(s *p2p.Stream) error {
			return s.WriteMessage(&LeavesReady{Count: MaxPieces + 1})
		}, leaves},
		{"fewer leaves than announced", func(s *p2p.Stream) error {
			if err := s.WriteMessage(&LeavesReady{Count: 2}); err != nil {
				return err
			}
			_, err := s.Write(make([]byte, hashSize))
			return err
		}, leaves},
		{"proof of another piece", func(s *p2p.Stream) error {
			return s.WriteMessage(&ProveReply{Proofs: []Proof{{Index: 1, Piece: piece}}})
		}, proveZero},
		{"proof with a short piece", func(s *p2p.Stream) error {
			return s.WriteMessage(&ProveReply{Proofs: []Proof{{Index: 0, Piece: piece[1:]}}})
		}, proveZero},
		{"proof with a ragged path", func(s *p2p.Stream) error {
			return s.WriteMessage(&ProveReply{Proofs: []Proof{{Index: 0, Piece: piece, Path: make([]byte, 33)}}})
		}, proveZero},
		{"put done before the data", func(s *p2p.Stream) error {
			if err := s.WriteMessage(&PutReady{}); err != nil {
				return err
			}
			return s.WriteMessage(&PutDone{Pieces: 64, Root: storage.Hash{1}.String()})
		}, putLarge},
		{"stat with an upper-case root", func(s *p2p.Stream) error {
			return s.WriteMessage(&StatReply{Pieces: 1, Root: "AB" + storage.Hash{}.String()[2:]})
		}, stat},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := rogue(t, func(_ context.Context, _ peer.ID, _ *p2p.Request, s *p2p.Stream) error {
				return tc.serve(s)
			})
			if err := tc.call(c); !errors.Is(err, ErrProtocol) && !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Fatalf("got %v, want ErrProtocol or io.ErrUnexpectedEOF", err)
			}
		})
	}
}

var rogueID = storage.ShardID{Object: storetest.Object(1), Index: 0}

func readOne(c *Client) error {
	return c.Read(context.Background(), rogueID, 0, 1, io.Discard)
}

func leaves(c *Client) error {
	_, err := c.Leaves(context.Background(), rogueID)
	return err
}

func proveZero(c *Client) error {
	_, err := c.Prove(context.Background(), rogueID, []int64{0})
	return err
}

func stat(c *Client) error {
	_, err := c.Stat(context.Background(), rogueID)
	return err
}

// putLarge puts a shard larger than the provider's socket buffers, so the
// provider's early answer arrives while the client is still sending.
func putLarge(c *Client) error {
	sh := storetest.NewShard(rogueID.Object, 0, 1024, 1)
	_, err := c.Put(context.Background(), sh.Info, bytes.NewReader(sh.Data))
	return err
}
