// Package dockertest builds the container images the Docker executor's
// tests run, on the local engine and without any registry:
//
//   - StaticImage, FROM scratch with one static binary (testprog) whose
//     first argument selects a fixture behaviour;
//   - BusyboxImage, FROM scratch with Debian's static busybox and a link
//     for each of its applets, for shell jobs.
//
// EnsureImages builds them when they are missing or stale; it is cheap
// when they are current and safe to call from several test processes at
// once.
package dockertest
