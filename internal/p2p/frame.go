package p2p

import (
	"fmt"
	"io"

	"github.com/libp2p/go-libp2p/core/network"

	"github.com/opensky-network/opensky/internal/p2p/wire"
)

// readFrame reads one frame of at most max bytes from s, accounting its
// buffer in the stream's resource scope so that the resource manager caps
// what peers can make this host hold. release gives the memory back; the
// caller calls it once done with the bytes.
func readFrame(s network.Stream, max int) (b []byte, release func(), err error) {
	n, err := wire.ReadFrameLen(s, max)
	if err != nil {
		return nil, nil, err
	}
	scope := s.Scope()
	if err := scope.ReserveMemory(n, frameReservation); err != nil {
		return nil, nil, fmt.Errorf("p2p: frame of %d bytes: %w", n, err)
	}
	b = make([]byte, n)
	if _, err := io.ReadFull(s, b); err != nil {
		scope.ReleaseMemory(n)
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, nil, fmt.Errorf("p2p: frame body: %w", err)
	}
	return b, func() { scope.ReleaseMemory(n) }, nil
}
