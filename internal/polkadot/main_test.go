package polkadot

import (
	"flag"
	"testing"

	"github.com/opensky-network/opensky/internal/polkadot/polkadottest"
)

// update rewrites the files in testdata: the golden extrinsics, and, from
// the integration test's live node, the captured metadata and events.
var update = flag.Bool("update", false, "rewrite testdata (golden extrinsics; captures from the live node)")

func TestMain(m *testing.M) { polkadottest.Main(m) }
