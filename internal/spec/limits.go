package spec

import "time"

// Bounds enforced by Validate.
const (
	// MaxNameLen bounds Name, a DNS label.
	MaxNameLen = 63

	// MaxModuleLen and MaxImageLen bound the module reference (a local
	// path or a blob reference) and the image reference.
	MaxModuleLen = 4096
	MaxImageLen  = 512
	// MaxEntrypoint bounds the entrypoint entries; each is an argument.
	MaxEntrypoint = 64
	// MaxPathLen bounds WorkingDir and local input files.
	MaxPathLen = 4096

	// MaxArgs and MaxArgBytes bound the arguments and each one.
	MaxArgs     = 1024
	MaxArgBytes = 4096

	// MaxEnv, MaxEnvKeyBytes and MaxEnvValueBytes bound the environment.
	MaxEnv           = 256
	MaxEnvKeyBytes   = 256
	MaxEnvValueBytes = 4096
	// ReservedEnvPrefix starts the variables the system sets for a task,
	// such as OPENSKY_SHARD_INDEX; a spec may not set them.
	ReservedEnvPrefix = "OPENSKY_"

	// MaxStdinBytes bounds Stdin.
	MaxStdinBytes = 1 << 20

	// MaxCPU is the most CPU one task may ask for.
	MaxCPU = 64 * Core
	// MinMemory and MaxMemory bound the memory of a task; MaxWasmMemory
	// is the ceiling of a 32-bit WebAssembly address space.
	MinMemory     = 1 * MiB
	MaxMemory     = 64 * GiB
	MaxWasmMemory = 4 * GiB
	// MaxDisk bounds the scratch disk of a task.
	MaxDisk = 1 * TiB
	// MinTimeout and MaxTimeout bound the run time of a task.
	MinTimeout = Duration(10 * time.Millisecond)
	MaxTimeout = Duration(24 * time.Hour)
	// MaxDeadline bounds a job's deadline.
	MaxDeadline = Duration(30 * 24 * time.Hour)
	// MaxGPU is the most GPUs one task may ask for (docker only).
	MaxGPU = 16

	// MaxInputs bounds the inputs; MaxInputNameBytes each name (a path
	// under /inputs) and MaxInlineBytes the inline content of all inputs
	// together.
	MaxInputs         = 1024
	MaxInputNameBytes = 255
	MaxInlineBytes    = 4 << 20

	// MaxOutputs bounds the outputs; MaxOutputNameBytes each name and
	// MaxInputNameBytes each path.
	MaxOutputs         = 256
	MaxOutputNameBytes = 255

	// MaxShards and MaxReplicas bound the fan-out of a job.
	MaxShards   = 1024
	MaxReplicas = 7

	// MaxConstraints bounds the constraints; each value is a label value.
	MaxConstraints = 64

	// MaxLabels, MaxLabelKeyLen and MaxLabelValueLen bound the labels.
	MaxLabels        = 64
	MaxLabelKeyLen   = 63
	MaxLabelValueLen = 255
)
