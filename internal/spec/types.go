package spec

import (
	"fmt"
	"strconv"
	"strings"
)

// APIVersion is the only job spec version this build understands.
const APIVersion = "opensky/v1"

// KindJob is the kind of a batch job spec.
const KindJob = "Job"

// Engine names an execution engine.
type Engine string

// The engines a job can ask for.
const (
	EngineWasm   Engine = "wasm"
	EngineDocker Engine = "docker"
)

// Job is a job specification as a consumer writes it in YAML or JSON.
//
// Local references (Module and Input.File) name files on the submitting
// machine; the CLI uploads them and replaces them with blob references
// ("sha256:<hex>") before the spec reaches a gateway.
type Job struct {
	APIVersion string            `json:"apiVersion"`
	Kind       string            `json:"kind,omitempty"`
	Name       string            `json:"name,omitempty"`
	Labels     map[string]string `json:"labels,omitempty"`

	Engine Engine `json:"engine"`
	// Module is the WebAssembly module (engine wasm): a local path before
	// upload, a blob reference after.
	Module string `json:"module,omitempty"`
	// Image is the OCI image (engine docker).
	Image      string   `json:"image,omitempty"`
	Entrypoint []string `json:"entrypoint,omitempty"`
	WorkingDir string   `json:"workingDir,omitempty"`

	// Network asks for network egress (engine docker only); a provider
	// grants it only when its policy allows it, and refuses the task
	// otherwise.
	Network bool `json:"network,omitempty"`
	// State names a volume mounted read-write at /state (engine docker)
	// that outlives the job on the provider that ran it, for the jobs of
	// the same orchestrator that name it again there.
	State string `json:"state,omitempty"`

	Args  []string          `json:"args,omitempty"`
	Env   map[string]string `json:"env,omitempty"`
	Stdin string            `json:"stdin,omitempty"`

	Resources Resources `json:"resources,omitempty"`
	Inputs    []Input   `json:"inputs,omitempty"`
	Outputs   []Output  `json:"outputs,omitempty"`

	// Timeouts bound the phases of each task before it runs; the run
	// itself is bounded by resources.timeout.
	Timeouts Timeouts `json:"timeouts,omitzero"`
	// Deadline bounds the whole job from its submission: when it passes,
	// the job ends expired. Zero means no deadline.
	Deadline Duration `json:"deadline,omitempty"`

	// Shards is the number of parallel tasks; each sees OPENSKY_SHARD_INDEX
	// and OPENSKY_SHARD_COUNT. Replicas is how many distinct providers run
	// each shard.
	Shards   int `json:"shards,omitempty"`
	Replicas int `json:"replicas,omitempty"`
	// Split divides the inputs among the shards: "files" gives shard i
	// the inputs whose index modulo Shards is i; "lines" cuts the one
	// input into Shards contiguous ranges of whole lines. Empty: every
	// shard sees every input.
	Split string `json:"split,omitempty"`
	// Reduce, when set, runs once after every shard's result is verified,
	// with shard i's outputs under /inputs/shard-<i>/; its outputs are the
	// job's final result.
	Reduce *Reduce `json:"reduce,omitempty"`
	// Verification is how results are checked: none, quorum, spot-check
	// or auto (verification.go). Empty: quorum with more than one
	// replica, none with one.
	Verification Verification `json:"verification,omitempty"`
	// SpotCheck is the probability that a result is re-executed on
	// another provider (spot-check, and auto for trusted providers).
	// Zero: DefaultSpotCheck.
	SpotCheck Fraction `json:"spotCheck,omitempty"`

	// MaxPrice is the most the consumer pays for the whole job.
	MaxPrice MicroUSD `json:"maxPrice,omitempty"`
	// Escrow is the chain escrow that pays for the job ("e-" and 32 hex
	// digits), locked by the consumer with the orchestrator as arbiter.
	// A network that charges for jobs refuses a job without one.
	Escrow string `json:"escrow,omitempty"`
	// Constraints select providers by their labels, e.g. "arch=amd64",
	// "region!=eu", "gpu".
	Constraints []string `json:"constraints,omitempty"`
	// Arch asks for providers of one CPU architecture, named as Go names
	// it ("amd64", "arm64"); providers announce theirs as the label
	// "arch". Empty: any.
	Arch string `json:"arch,omitempty"`
	// MinReputation is the lowest chain reputation score, in [0, 1], a
	// provider may have to get a task. On a network without a chain no
	// provider has a score and the floor does not apply.
	MinReputation Fraction `json:"minReputation,omitempty"`
	// Placement chooses how tasks fill providers: spread (the default)
	// prefers the provider with the most room left, pack the fullest one
	// that still fits.
	Placement Placement `json:"placement,omitempty"`
}

// Fraction is a number between 0 and 1, such as a reputation score,
// written as a JSON or YAML number ("0.9") or a string holding one.
type Fraction float64

// UnmarshalJSON reads a number or a string holding one; Validate checks
// the range.
func (f *Fraction) UnmarshalJSON(b []byte) error {
	s := string(b)
	if uq, err := strconv.Unquote(s); err == nil {
		s = uq
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		return fmt.Errorf("invalid fraction %s: want a number between 0 and 1", b)
	}
	*f = Fraction(v)
	return nil
}

// Placement is how a job's tasks are spread over providers.
type Placement string

// The placements a job can ask for; empty means PlacementSpread.
const (
	PlacementSpread Placement = "spread"
	PlacementPack   Placement = "pack"
)

// Resources are the limits of one task (one shard replica).
type Resources struct {
	CPU     MilliCPU `json:"cpu,omitempty"`
	Memory  ByteSize `json:"memory,omitempty"`
	Disk    ByteSize `json:"disk,omitempty"`
	Timeout Duration `json:"timeout,omitempty"`
	GPU     int      `json:"gpu,omitempty"`
}

// Input is a file mounted read-only under /inputs.
type Input struct {
	// Name is the path under /inputs (relative, slash separated).
	Name string `json:"name"`
	// Exactly one of Content (inline text), File (local path, CLI only),
	// Object (a stored object's CID, CLI only: the owner's key opens it)
	// and Blob (an uploaded blob, "sha256:<hex>") is set.
	Content string `json:"content,omitempty"`
	File    string `json:"file,omitempty"`
	Object  string `json:"object,omitempty"`
	Blob    string `json:"blob,omitempty"`
}

// Output names a file or directory under /outputs that the consumer wants
// back. With no outputs listed, everything under /outputs is collected.
type Output struct {
	Name string `json:"name"`
	Path string `json:"path"`
}

// Split modes.
const (
	SplitFiles = "files"
	SplitLines = "lines"
)

// Reduce is a job's reduce step: the same engine and resources as the
// shards, its own program (default the job's), args and env.
type Reduce struct {
	// Module (engine wasm) or Image (engine docker); empty means the
	// job's own.
	Module string            `json:"module,omitempty"`
	Image  string            `json:"image,omitempty"`
	Args   []string          `json:"args,omitempty"`
	Env    map[string]string `json:"env,omitempty"`
}
