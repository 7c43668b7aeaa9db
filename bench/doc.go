// Command bench measures OpenSky against baselines taken in the same run,
// and prints ratios: machines are shared and noisy, so only comparisons
// made side by side mean anything.
//
//	go run ./bench                # latency and throughput of WASM jobs
//	go run ./bench -n 1000 -jobs 5000 -concurrency 128
//	go run ./bench -docker 30     # also: container jobs against docker run --rm
//	go run ./bench -storage 256   # only: storage put and get against the pipeline alone
//	go run ./bench -polkadot 20000 # only: decoding a Polkadot block's events
//
// Latency: a trivial module, submit-to-result through the gateway's HTTP
// API on a local network of three providers, against the same module
// instantiated and run with raw wazero (compiled once, warm) and against
// OpenSky's executor alone. Throughput: trivial jobs per second through one
// orchestrator with three providers, against raw wazero runs per second on
// the same cores. Docker (with -docker n): a container job through the
// network against a plain `docker run --rm` of the same image.
//
// Storage (with -storage n): n MiB of generated plaintext put and got back
// through a loopback network of 14 providers on disk (layout 10+4),
// against the in-memory pipeline alone (seal, hash, erasure code) and
// against raw AES-256-GCM and Reed-Solomon with no OpenSky code, in MB/s
// and as ratios; and the peak heap of the whole process during puts and
// gets of n and n/4 MiB, to show that memory does not grow with the size
// of the object.
//
// Polkadot (with -polkadot n): n decodes with polkadot.DecodeEvents of the
// System.Events value of a captured westend-dev block (a transfer and a
// remark), and of a block of about 1 MiB made of its records repeated,
// against go-substrate-rpc-client's registry event parser on the same
// bytes (its event registry built once, outside the timing), in events/s,
// MB/s, allocations and bytes per event, and the ratio of the two rates.
// The runs of the two decoders alternate in rounds so that noise from the
// rest of the machine falls on both. Every decode is checked for the right
// number of events and transfers, and on the captured block the parser
// must agree with DecodeEvents on each event's name, the transfer amount
// and the remark hash.
package main
