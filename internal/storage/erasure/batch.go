package erasure

import "github.com/opensky-network/opensky/internal/storage"

// batchBytes is about how much ciphertext one batch of stripes carries:
// large enough that Reed-Solomon and the writers work on big buffers,
// small enough to keep a few batches in memory per object.
const batchBytes = 1 << 20

// stripesPerBatch is how many stripes one batch holds for layout l and
// an object of pieces stripes.
func stripesPerBatch(l storage.Layout, pieces int64) int {
	n := int64(max(1, batchBytes/l.StripeSize()))
	return int(min(n, pieces))
}
