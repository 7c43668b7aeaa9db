package provider

import (
	"maps"
	"runtime"
)

// ArchLabel is the presence label that carries the provider's CPU
// architecture, as Go names it; jobs select on it with "arch".
const ArchLabel = "arch"

// withArch returns the operator's labels with the architecture this
// binary runs on, unless the operator set the label.
func withArch(labels map[string]string) map[string]string {
	if _, ok := labels[ArchLabel]; ok {
		return labels
	}
	out := maps.Clone(labels)
	if out == nil {
		out = make(map[string]string, 1)
	}
	out[ArchLabel] = runtime.GOARCH
	return out
}
