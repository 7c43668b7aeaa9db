package spec

import "time"

// Defaults applied by (*Job).Default to fields left unset.
const (
	DefaultShards   = 1
	DefaultReplicas = 1
	DefaultCPU      = Core
	DefaultMemory   = 64 * MiB
	DefaultDisk     = 256 * MiB
	DefaultTimeout  = Duration(30 * time.Second)
)

// Default fills every unset (zero) field that has a default: kind Job,
// one shard, one replica, and per task 1 CPU core, 64Mi of memory, 256Mi
// of disk and a 30s timeout. Calling it again changes nothing.
func (j *Job) Default() {
	if j.Kind == "" {
		j.Kind = KindJob
	}
	if j.Shards == 0 {
		j.Shards = DefaultShards
	}
	if j.Replicas == 0 {
		j.Replicas = DefaultReplicas
	}
	j.defaultVerification()
	r := &j.Resources
	if r.CPU == 0 {
		r.CPU = DefaultCPU
	}
	if r.Memory == 0 {
		r.Memory = DefaultMemory
	}
	if r.Disk == 0 {
		r.Disk = DefaultDisk
	}
	if r.Timeout == 0 {
		r.Timeout = DefaultTimeout
	}
}
