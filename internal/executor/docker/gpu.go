package docker

import (
	"bufio"
	"bytes"
	"context"
	"os/exec"
	"strings"

	"github.com/moby/moby/api/types/container"
)

// GPUDriver is the device driver GPU requests go to (the NVIDIA
// container toolkit's).
const GPUDriver = "nvidia"

// DeviceRequests maps a job's GPU count to the engine's device requests:
// gpus NVIDIA GPUs with the "gpu" capability, or none when gpus is not
// positive.
func DeviceRequests(gpus int) []container.DeviceRequest {
	if gpus <= 0 {
		return nil
	}
	return []container.DeviceRequest{{
		Driver:       GPUDriver,
		Count:        gpus,
		Capabilities: [][]string{{"gpu"}},
	}}
}

// DetectGPUs returns how many NVIDIA GPUs `nvidia-smi -L` lists, or 0
// when nvidia-smi is missing or fails.
func DetectGPUs(ctx context.Context) int {
	path, err := exec.LookPath("nvidia-smi")
	if err != nil {
		return 0
	}
	out, err := exec.CommandContext(ctx, path, "-L").Output()
	if err != nil {
		return 0
	}
	return countGPUs(out)
}

// countGPUs counts the "GPU <n>: …" lines of `nvidia-smi -L` output.
func countGPUs(out []byte) int {
	n := 0
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if strings.HasPrefix(strings.TrimSpace(sc.Text()), "GPU ") {
			n++
		}
	}
	return n
}
