// Package polkadottest runs a real Polkadot host for tests: Gossamer with
// the westend-dev chain, as the single authority //Alice, in a network
// namespace of its own that has only a loopback interface (Gossamer binds
// every interface). The test reaches the node's HTTP RPC port through a
// Unix socket in the test's temporary directory: a path-bound Unix socket
// lives in the file system, not in a network namespace, so the test
// process itself keeps its network and nothing outside the machine is
// reached.
//
// A package that uses Start calls Main from its TestMain, because the
// namespace is entered by re-executing the test binary. When the node
// cannot be had (no binary, no namespaces) the test is skipped with the
// reason, unless OPENSKY_REQUIRE_POLKADOT=1 makes that a failure.
package polkadottest
