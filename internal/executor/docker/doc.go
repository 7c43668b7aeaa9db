// Package docker is the Docker engine's executor.Executor: each task runs
// in a container of its image on the local engine, removed once the task
// has ended and its outputs are collected.
//
// # Hardening
//
// Every job container gets, whatever it asks for: no capabilities, no
// new privileges, the engine's default seccomp profile, a read-only root
// filesystem with a bounded noexec tmpfs at /tmp, user nobody
// (65534:65534) unless the Policy allows the image's own user, no network
// but loopback unless both the task and the Policy allow it, memory equal
// to memory plus swap, a CPU quota, a pids limit, an open-files limit,
// and nothing from the host but the task's input directory (read-only at
// /inputs) and output directory (at /outputs). Outputs are bounded while
// the job runs and checked when it ends; captured stdout and stderr are
// bounded. Where gVisor is installed, WithRuntime("runsc") runs jobs
// under its user-space kernel.
//
// What the default runtime does not stop: a job shares the host's kernel,
// so a kernel exploit reachable through the system calls seccomp allows
// escapes the container. Files a job leaves in /outputs may carry the
// set-user-ID bit (for user nobody); keep the provider's data directory
// on a filesystem mounted nosuid.
//
// # Images
//
// An image the engine lacks is pulled; when no registry is reachable Run
// fails with ErrImageUnavailable, and LoadImage imports a `docker save`
// tarball instead. The Policy allows and denies images by name, tag,
// digest or pattern; the container is created from the image ID that was
// checked.
//
// # Usage
//
// Usage.WallTime is the engine's time between the container's start and
// exit. CPUTime and PeakMemory come from the container's cgroup, read
// through the engine's stats while the job runs (first after 50 ms, then
// at doubling intervals up to one second): CPUTime is the user and system
// time of all the job's processes as of the last sample, PeakMemory the
// cgroup's memory high-water mark (cgroup v1) or the largest use sampled
// (cgroup v2), page cache and tmpfs included. Use after the last sample
// is not seen, so a job shorter than the first sample reports zero.
//
// The client negotiates the engine's API version (1.41 and later).
package docker
