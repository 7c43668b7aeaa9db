package docker

import (
	"context"
	"encoding/json"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
)

// Sampling of a running container's cgroup counters: the first sample
// soon after start, then at doubling intervals up to the last one, so
// that short jobs are measured and long ones cost the engine one request
// a second.
const (
	firstSample = 50 * time.Millisecond
	lastSample  = time.Second
)

// usageSample is what the samples of one container showed.
type usageSample struct {
	// cpu is the cgroup's CPU time, user and system, of all its
	// processes, in the last sample.
	cpu time.Duration
	// peak is the highest memory use sampled: the cgroup's high-water
	// mark (memory.max_usage_in_bytes) where the engine reports it
	// (cgroup v1), else the largest current use seen (cgroup v2). Both
	// include the page cache and tmpfs pages the job used.
	peak int64
	// samples counts the samples read.
	samples int
}

// sampleUsage reads one-shot stats of container id until ctx ends and
// returns what they showed. Counters stop at the container's exit, so the
// last interval before it (at most lastSample) is not seen: a job that
// ends before the first sample reports zero, and CPU time may fall short
// by what the job used after the last sample.
func sampleUsage(ctx context.Context, cli *client.Client, id string) usageSample {
	var u usageSample
	wait := firstSample
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return u
		case <-timer.C:
		}
		if s, ok := statsOnce(ctx, cli, id); ok {
			u.samples++
			u.cpu = max(u.cpu, time.Duration(s.CPUStats.CPUUsage.TotalUsage))
			u.peak = max(u.peak, int64(s.MemoryStats.MaxUsage), int64(s.MemoryStats.Usage))
		}
		wait = min(2*wait, lastSample)
		timer.Reset(wait)
	}
}

// statsOnce reads one stats sample; ok is false when there is none (the
// container is not running, or the engine failed).
func statsOnce(ctx context.Context, cli *client.Client, id string) (container.StatsResponse, bool) {
	var s container.StatsResponse
	res, err := cli.ContainerStats(ctx, id, client.ContainerStatsOptions{Stream: false})
	if err != nil {
		return s, false
	}
	defer res.Body.Close()
	if err := json.NewDecoder(res.Body).Decode(&s); err != nil || s.Read.IsZero() {
		return s, false
	}
	return s, true
}
