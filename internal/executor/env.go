package executor

import (
	"maps"
	"slices"
	"strconv"
)

// Environment variables every task sees, whatever its engine.
const (
	EnvShardIndex = "OPENSKY_SHARD_INDEX"
	EnvShardCount = "OPENSKY_SHARD_COUNT"
	EnvJobID      = "OPENSKY_JOB_ID"
)

// Environ returns the environment of t as "KEY=value" strings: t.Env in
// sorted key order, then the system variables (which replace any task
// variable of the same name). A task with no Shards counts as one shard.
// The order is fixed so that replicas see identical environments.
func Environ(t *Task) []string {
	system := [][2]string{
		{EnvShardIndex, strconv.Itoa(t.Shard)},
		{EnvShardCount, strconv.Itoa(max(t.Shards, 1))},
		{EnvJobID, t.JobID},
	}
	env := make([]string, 0, len(t.Env)+len(system))
	for _, k := range slices.Sorted(maps.Keys(t.Env)) {
		if k == EnvShardIndex || k == EnvShardCount || k == EnvJobID {
			continue
		}
		env = append(env, k+"="+t.Env[k])
	}
	for _, kv := range system {
		env = append(env, kv[0]+"="+kv[1])
	}
	return env
}
