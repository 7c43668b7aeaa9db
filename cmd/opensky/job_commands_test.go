package main

import (
	"encoding/json"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/spec"
)

// submitted runs n detached wasm jobs and returns the gateway's URL.
func submitted(t *testing.T, n int, end func(spec.Job) outcome) (*scriptedBackend, string) {
	t.Helper()
	b, url := startGateway(t, end)
	mod := writeFile(t, t.TempDir(), "m.wasm", wasmBytes)
	for range n {
		if code, _, stderr := cli(t, url, "", "wasm", "run", "-d", mod); code != 0 {
			t.Fatalf("submit: %s", stderr)
		}
	}
	return b, url
}

func TestJobList(t *testing.T) {
	_, url := submitted(t, 2, nil)
	code, stdout, stderr := cli(t, url, "", "job", "list")
	if code != 0 {
		t.Fatalf("code %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "ID") || !strings.Contains(lines[1], "job-1") || !strings.Contains(lines[2], "completed") {
		t.Fatalf("table %q", stdout)
	}
	_, stdout, _ = cli(t, url, "", "job", "list", "--limit", "1", "-o", "json")
	var jobs []api.Job
	if err := json.Unmarshal([]byte(stdout), &jobs); err != nil || len(jobs) != 1 {
		t.Fatalf("json %q: %v", stdout, err)
	}
	_, stdout, _ = cli(t, url, "", "job", "list", "--phase", "failed", "-o", "yaml")
	if strings.TrimSpace(stdout) != "[]" {
		t.Fatalf("yaml %q", stdout)
	}
	code, _, stderr = cli(t, url, "", "job", "list", "--phase", "bogus")
	if code != 1 || !strings.Contains(stderr, "unknown phase") || !strings.Contains(stderr, "hint:") {
		t.Fatalf("code %d stderr %q", code, stderr)
	}
	code, _, stderr = cli(t, url, "", "job", "list", "-o", "xml")
	if code != 1 || !strings.Contains(stderr, "unknown output format") {
		t.Fatalf("code %d stderr %q", code, stderr)
	}
}

func TestJobDescribe(t *testing.T) {
	_, url := submitted(t, 1, func(spec.Job) outcome {
		return outcome{phase: api.PhaseFailed, errorCode: "module_trap", reason: "unreachable executed"}
	})
	code, stdout, stderr := cli(t, url, "", "job", "describe", "job-1")
	if code != 0 {
		t.Fatalf("code %d: %s", code, stderr)
	}
	for _, want := range []string{"job-1", "failed", "unreachable executed [module_trap]", "Events:", "dispatched", "Tasks:", "12D3Ko", "$0.000042", "memory 64Mi"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("describe lacks %q:\n%s", want, stdout)
		}
	}
	code, _, stderr = cli(t, url, "", "job", "describe", "nope")
	if code != 1 || !strings.Contains(stderr, "not found") {
		t.Fatalf("code %d stderr %q", code, stderr)
	}
}

func TestJobLogs(t *testing.T) {
	_, url := submitted(t, 1, func(spec.Job) outcome {
		return outcome{phase: api.PhaseCompleted, logs: []api.TaskLog{
			{TaskID: "a", Shard: 0, Stdout: "zero\n", Stderr: "err zero\n"},
			{TaskID: "b", Shard: 1, Stdout: "one\n"},
		}}
	})
	code, stdout, stderr := cli(t, url, "", "job", "logs", "job-1")
	if code != 0 {
		t.Fatalf("code %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "==> shard 0") || !strings.Contains(stdout, "zero\n") || !strings.Contains(stdout, "==> shard 1") || !strings.Contains(stderr, "err zero\n") {
		t.Fatalf("stdout %q stderr %q", stdout, stderr)
	}

	code, stdout, _ = cli(t, url, "", "job", "logs", "job-1", "--follow", "-o", "json")
	if code != 0 {
		t.Fatalf("follow: code %d", code)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 2 {
		t.Fatalf("follow json %q", stdout)
	}
	var l api.TaskLog
	if err := json.Unmarshal([]byte(lines[1]), &l); err != nil || l.Stdout != "one\n" {
		t.Fatalf("line %q: %v", lines[1], err)
	}

	_, stdout, _ = cli(t, url, "", "job", "logs", "job-1", "-o", "yaml")
	var logs struct {
		JobID string `yaml:"jobId"`
		Tasks []struct {
			Stdout string `yaml:"stdout"`
		} `yaml:"tasks"`
	}
	if err := yaml.Unmarshal([]byte(stdout), &logs); err != nil || logs.JobID != "job-1" || logs.Tasks[0].Stdout != "zero\n" {
		t.Fatalf("yaml %q: %v", stdout, err)
	}
}

func TestJobCancel(t *testing.T) {
	b, url := submitted(t, 1, nil)
	// Make the job still running: drop its terminal step.
	b.mu.Lock()
	b.steps["job-1"] = b.steps["job-1"][:2]
	b.mu.Unlock()
	code, stdout, stderr := cli(t, url, "", "job", "cancel", "job-1", "--reason", "enough")
	if code != 0 || stdout != "job job-1: cancelled\n" {
		t.Fatalf("code %d stdout %q stderr %q", code, stdout, stderr)
	}
	code, _, stderr = cli(t, url, "", "job", "cancel", "job-1")
	if code != 1 || !strings.Contains(stderr, "already cancelled") {
		t.Fatalf("second cancel: code %d stderr %q", code, stderr)
	}
}

func TestProviderList(t *testing.T) {
	b, url := startGateway(t, nil)
	b.providers = []api.Provider{{
		Peer: "12D3KooWAbCdEfGhIjKlMnOpQrStUv", Engines: []string{"wasm", "docker"},
		Total: api.Capacity{MilliCPU: 8000, MemoryBytes: 16 << 30}, Free: api.Capacity{MilliCPU: 6500, MemoryBytes: 12 << 30},
		Running: 2, PricePerCPUSecond: 10,
	}}
	code, stdout, stderr := cli(t, url, "", "provider", "list")
	if code != 0 {
		t.Fatalf("code %d: %s", code, stderr)
	}
	for _, want := range []string{"PEER", "12D3Ko…QrStUv", "wasm,docker", "6500m/8", "12Gi/16Gi", "$0.00001"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("table lacks %q:\n%s", want, stdout)
		}
	}
	_, stdout, _ = cli(t, url, "", "provider", "list", "-o", "json")
	var ps []api.Provider
	if err := json.Unmarshal([]byte(stdout), &ps); err != nil || len(ps) != 1 || ps[0].Running != 2 {
		t.Fatalf("json %q: %v", stdout, err)
	}
}

func TestVersion(t *testing.T) {
	code, stdout, _ := cli(t, "http://unused", "", "version")
	if code != 0 || !strings.HasPrefix(stdout, "opensky ") {
		t.Fatalf("code %d stdout %q", code, stdout)
	}
}

func TestJobExitCode(t *testing.T) {
	cases := []struct {
		j    api.Job
		want int
	}{
		{api.Job{Phase: api.PhaseCompleted}, 0},
		{api.Job{Phase: api.PhaseFailed, ExitCode: 42}, 42},
		{api.Job{Phase: api.PhaseFailed, ExitCode: 256}, 1},
		{api.Job{Phase: api.PhaseFailed, ExitCode: 300}, 44},
		{api.Job{Phase: api.PhaseFailed, ErrorCode: "timeout"}, 124},
		{api.Job{Phase: api.PhaseFailed, ErrorCode: "deadline_exceeded"}, 124},
		{api.Job{Phase: api.PhaseFailed, ErrorCode: "memory_limit"}, 137},
		{api.Job{Phase: api.PhaseFailed, ErrorCode: "oom_killed"}, 137},
		{api.Job{Phase: api.PhaseCancelled, ErrorCode: "cancelled"}, 130},
		{api.Job{Phase: api.PhaseFailed, ErrorCode: "no_providers"}, 125},
		{api.Job{Phase: api.PhaseFailed}, 125},
	}
	for _, c := range cases {
		if got := jobExitCode(&c.j); got != c.want {
			t.Errorf("%+v: exit code %d, want %d", c.j, got, c.want)
		}
	}
}
