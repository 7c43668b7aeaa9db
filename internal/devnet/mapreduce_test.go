package devnet

import (
	"fmt"
	"strings"
	"testing"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/orchestrator"
	"github.com/opensky-network/opensky/internal/spec"
)

// output reads one output file of a job as text.
func output(t *testing.T, o *orchestrator.Orchestrator, id string, shard int, path string) string {
	t.Helper()
	return string(readOutput(t, o, id, shard, path))
}

// TestMapReduceWordCount counts words over many files split among shards
// and over one file split by lines, each followed by a reduce step: the
// reduce's counts equal those of a single task over everything, and each
// shard saw only its part.
func TestMapReduceWordCount(t *testing.T) {
	mod := buildExample(t, "./examples/wordcount")
	net := startNet(t, 3)
	o := net.Gateway.Orchestrator
	module := upload(t, o, mod)

	var texts []spec.Input
	var all strings.Builder
	for i := range 7 {
		text := fmt.Sprintf("sky network file%d\nthe sky is open %d\n", i, i%3)
		all.WriteString(text)
		texts = append(texts, spec.Input{Name: fmt.Sprintf("texts/%d.txt", i), Content: text})
	}
	whole := wasmJob(module, 1)
	whole.Inputs = []spec.Input{{Name: "all.txt", Content: all.String()}}
	want := output(t, o, mustComplete(t, o, whole).ID, 0, "counts.txt")

	byFiles := wasmJob(module, 3)
	byFiles.Inputs, byFiles.Split = texts, spec.SplitFiles
	byFiles.Reduce = &spec.Reduce{Args: []string{"--reduce"}}
	j := mustComplete(t, o, byFiles)
	if got := output(t, o, j.ID, 3, "counts.txt"); got != want {
		t.Fatalf("reduce over files:\n%s\nwant\n%s", got, want)
	}
	// Shard 1 took files 1 and 4: it counted "file1" and "file4", nothing else's.
	if part := output(t, o, j.ID, 1, "counts.txt"); !strings.Contains(part, "file1 1\nfile4 1\n") || strings.Contains(part, "file0") {
		t.Fatalf("shard 1 counted %q", part)
	}
	if n := len(j.Tasks); n != 4 || j.Tasks[3].Role != api.RoleReduce || j.Tasks[3].Phase != api.PhaseCompleted {
		t.Fatalf("tasks: %+v", j.Tasks)
	}

	byLines := wasmJob(module, 4)
	byLines.Inputs, byLines.Split = []spec.Input{{Name: "all.txt", Content: all.String()}}, spec.SplitLines
	byLines.Reduce = &spec.Reduce{Args: []string{"--reduce"}}
	j = mustComplete(t, o, byLines)
	if got := output(t, o, j.ID, 4, "counts.txt"); got != want {
		t.Fatalf("reduce over lines:\n%s\nwant\n%s", got, want)
	}
}

func mustComplete(t *testing.T, o *orchestrator.Orchestrator, s spec.Job) *api.Job {
	t.Helper()
	j := run(t, o, s)
	if j.Phase != api.PhaseCompleted || j.ExitCode != 0 {
		t.Fatalf("job ended %s, exit %d (%s: %s)", j.Phase, j.ExitCode, j.ErrorCode, j.Reason)
	}
	return j
}
