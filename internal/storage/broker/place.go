package broker

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/opensky-network/opensky/internal/orchestrator/selection"
)

// choose picks n distinct live providers with room for a shard of
// shardBytes, none in exclude, best first by the storage pipeline.
func (b *Broker) choose(ctx context.Context, n int, shardBytes int64, exclude map[string]bool) ([]selection.Candidate, error) {
	cands := b.dir.Candidates(ctx)
	charged := false
	for _, c := range cands {
		if c.Owner != "" {
			charged = true
			break
		}
	}
	req := &selection.Request{
		StorageBytes:  shardBytes,
		Exclude:       exclude,
		MinReputation: b.cfg.MinReputation,
		Reputations:   charged,
		Now:           time.Now(),
		FreshWithin:   b.cfg.FreshWithin,
		Limit:         n,
	}
	out := selection.Storage().Select(req, cands)
	if len(out.Ranked) < n {
		return nil, fmt.Errorf("%w: need %d with %s free each, found %d%s",
			ErrNoProviders, n, bytesText(shardBytes), len(out.Ranked), reasons(out.Rejected()))
	}
	picked := make([]selection.Candidate, n)
	for i := range picked {
		picked[i] = out.Ranked[i].Candidate
	}
	return picked, nil
}

// reasons summarises why providers were ruled out: "; 3 do not rent out
// storage; 1 not enough free storage".
func reasons(rejected map[string]string) string {
	count := map[string]int{}
	for _, why := range rejected {
		count[why]++
	}
	keys := make([]string, 0, len(count))
	for k := range count {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var sb strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&sb, "; %d %s", count[k], k)
	}
	return sb.String()
}

// bytesText prints a byte count for people: "25.6 MB".
func bytesText(n int64) string {
	const unit = 1000
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %cB", float64(n)/float64(div), "kMGTPE"[exp])
}
