package executor

import (
	"slices"
	"testing"
)

func TestEnviron(t *testing.T) {
	task := &Task{
		JobID: "job-1", Shard: 2, Shards: 4,
		Env: map[string]string{"B": "2", "A": "1", EnvShardIndex: "99"},
	}
	want := []string{"A=1", "B=2", "OPENSKY_SHARD_INDEX=2", "OPENSKY_SHARD_COUNT=4", "OPENSKY_JOB_ID=job-1"}
	if got := Environ(task); !slices.Equal(got, want) {
		t.Fatalf("Environ = %q, want %q", got, want)
	}
	if got := Environ(&Task{}); !slices.Equal(got, []string{"OPENSKY_SHARD_INDEX=0", "OPENSKY_SHARD_COUNT=1", "OPENSKY_JOB_ID="}) {
		t.Fatalf("Environ of an empty task = %q", got)
	}
}
