package examples_test

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/opensky-network/opensky/internal/executor"
	"github.com/opensky-network/opensky/internal/executor/wasm"
	"github.com/opensky-network/opensky/internal/spec"
	"github.com/opensky-network/opensky/internal/wasmbuild"
)

// executorOnce is the executor every example runs on, with an on-disk
// compilation cache so that reruns skip compiling the modules.
var executorOnce = sync.OnceValues(func() (*wasm.Executor, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		base = os.TempDir()
	}
	return wasm.New(context.Background(), wasm.WithCacheDir(filepath.Join(base, "opensky", "wazero-test")))
})

// module builds the example in dir and returns its bytes.
func module(t *testing.T, dir string) []byte {
	t.Helper()
	p, err := wasmbuild.Build(context.Background(), "./examples/"+dir)
	if err != nil {
		t.Fatal(err)
	}
	bin, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// run runs task and returns its result and the files it wrote.
func run(t *testing.T, task *executor.Task) (*executor.Result, map[string]string) {
	t.Helper()
	ex, err := executorOnce()
	if err != nil {
		t.Fatal(err)
	}
	task.OutputDir = t.TempDir()
	res, err := ex.Run(context.Background(), task)
	if err != nil {
		t.Fatalf("run %v: %v", task.Args, err)
	}
	if res.ExitCode != 0 {
		t.Fatalf("run %v: exit %d, stderr %q", task.Args, res.ExitCode, res.Stderr)
	}
	files := map[string]string{}
	entries, err := os.ReadDir(task.OutputDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(task.OutputDir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files[e.Name()] = string(data)
	}
	return res, files
}

// runRaw runs task and returns its result whatever the exit code.
func runRaw(t *testing.T, task *executor.Task) (*executor.Result, error) {
	t.Helper()
	ex, err := executorOnce()
	if err != nil {
		t.Fatal(err)
	}
	task.OutputDir = t.TempDir()
	return ex.Run(context.Background(), task)
}

// checkJob checks that dir/job.yaml is a valid spec naming dir's module.
func checkJob(t *testing.T, dir string) *spec.Job {
	t.Helper()
	j, err := spec.DecodeFile(filepath.Join(dir, "job.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	j.Default()
	if err := j.Validate(); err != nil {
		t.Fatalf("%s/job.yaml: %v", dir, err)
	}
	if j.Engine != spec.EngineWasm || j.Module != dir+".wasm" {
		t.Fatalf("%s/job.yaml: engine %q, module %q; want wasm, %s.wasm", dir, j.Engine, j.Module, dir)
	}
	return j
}

func TestPi(t *testing.T) {
	j := checkJob(t, "pi")
	if j.Shards != 16 {
		t.Errorf("pi job has %d shards, want 16", j.Shards)
	}
	bin := module(t, "pi")
	var inside, samples int64
	for shard := range j.Shards {
		task := &executor.Task{Module: bin, Args: j.Args, Shard: shard, Shards: j.Shards, JobID: "pi"}
		res, files := run(t, task)
		var e struct{ Shard, Inside, Samples int64 }
		if err := json.Unmarshal([]byte(files["pi.json"]), &e); err != nil {
			t.Fatalf("shard %d: pi.json %q: %v", shard, files["pi.json"], err)
		}
		if e.Shard != int64(shard) || e.Samples != 1_000_000 || e.Inside <= 0 || e.Inside > e.Samples {
			t.Fatalf("shard %d: %+v", shard, e)
		}
		if !strings.HasPrefix(string(res.Stdout), fmt.Sprintf("shard %d: %d of %d", shard, e.Inside, e.Samples)) {
			t.Errorf("shard %d: stdout %q", shard, res.Stdout)
		}
		if shard < 2 {
			again, againFiles := run(t, &executor.Task{Module: bin, Args: j.Args, Shard: shard, Shards: j.Shards, JobID: "pi"})
			if string(again.Stdout) != string(res.Stdout) || againFiles["pi.json"] != files["pi.json"] {
				t.Errorf("shard %d differs between runs: %q vs %q", shard, files["pi.json"], againFiles["pi.json"])
			}
		}
		inside += e.Inside
		samples += e.Samples
	}
	// 16 million samples put the estimate within about 0.0004 of pi; the
	// band is far wider, and the result is the same on every run.
	if pi := 4 * float64(inside) / float64(samples); pi < 3.13 || pi > 3.15 {
		t.Errorf("pi estimate %f from %d samples", pi, samples)
	}
}

func TestWordcount(t *testing.T) {
	j := checkJob(t, "wordcount")
	bin := module(t, "wordcount")
	in := t.TempDir()
	write(t, filepath.Join(in, "a.txt"), "Hello, hello world!\n")
	write(t, filepath.Join(in, "b", "c.txt"), "World of 42 worlds\nÉté été\n")

	all := map[string]string{
		"counts.txt": "42 1\nhello 2\nof 1\nworld 2\nworlds 1\nété 2\n",
	}
	shard0 := "hello 2\nworld 1\n"
	shard1 := "42 1\nof 1\nworld 1\nworlds 1\nété 2\n"
	for _, c := range []struct {
		shard, shards int
		want          string
	}{{0, 1, all["counts.txt"]}, {0, 2, shard0}, {1, 2, shard1}} {
		_, files := run(t, &executor.Task{Module: bin, InputDir: in, Shard: c.shard, Shards: c.shards})
		if files["counts.txt"] != c.want {
			t.Errorf("shard %d of %d: counts.txt %q, want %q", c.shard, c.shards, files["counts.txt"], c.want)
		}
	}

	// The reduce step sums the shards' counts back to the whole.
	parts := t.TempDir()
	write(t, filepath.Join(parts, "shard-0", "counts.txt"), shard0)
	write(t, filepath.Join(parts, "shard-1", "counts.txt"), shard1)
	if _, files := run(t, &executor.Task{Module: bin, InputDir: parts, Args: []string{"--reduce"}}); files["counts.txt"] != all["counts.txt"] {
		t.Errorf("reduce: counts.txt %q, want %q", files["counts.txt"], all["counts.txt"])
	}
	write(t, filepath.Join(parts, "bad", "counts.txt"), "not a count\n")
	if res, err := runRaw(t, &executor.Task{Module: bin, InputDir: parts, Args: []string{"--reduce"}}); err != nil || res.ExitCode == 0 {
		t.Errorf("reduce of a malformed counts file: exit %v, %v", res, err)
	}

	// The job's own inputs, mounted as the CLI would.
	texts := t.TempDir()
	for _, input := range j.Inputs {
		data, err := os.ReadFile(filepath.Join("wordcount", input.File))
		if err != nil {
			t.Fatal(err)
		}
		write(t, filepath.Join(texts, input.Name), string(data))
	}
	res, _ := run(t, &executor.Task{Module: bin, InputDir: texts})
	top := strings.Split(strings.TrimSpace(string(res.Stdout)), "\n")
	if len(top) != 10 || top[0] != "the 5" {
		t.Errorf("top words of the job's inputs: %q", top)
	}
}

func TestMatmul(t *testing.T) {
	j := checkJob(t, "matmul")
	bin := module(t, "matmul")
	for _, args := range [][]string{{"37"}, j.Args} {
		res, files := run(t, &executor.Task{Module: bin, Args: args})
		n, _ := strconv.Atoi(args[0])
		want := product(n)
		if files["c.txt"] != want {
			t.Fatalf("N=%d: c.txt differs from the native product", n)
		}
		if got, wantSum := string(res.Stdout), fmt.Sprintf("checksum %x\n", sha256.Sum256([]byte(want))); got != wantSum {
			t.Errorf("N=%d: stdout %q, want %q", n, got, wantSum)
		}
	}
}

// product computes the matmul example's result natively, in its output
// format, straight from the definition C[i][j] = Σk A[i][k]·B[k][j].
func product(n int) string {
	var sb strings.Builder
	for i := range n {
		for j := range n {
			var c int64
			for k := range n {
				c += int64((i+2*k)%10) * int64((3*k+j)%10)
			}
			if j > 0 {
				sb.WriteByte(' ')
			}
			fmt.Fprint(&sb, c)
		}
		sb.WriteByte('\n')
	}
	return sb.String()
}

func write(t *testing.T, p, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestWordcountMapReduceSpec(t *testing.T) {
	j, err := spec.DecodeFile(filepath.Join("wordcount", "mapreduce.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	j.Default()
	if err := j.Validate(); err != nil {
		t.Fatalf("wordcount/mapreduce.yaml: %v", err)
	}
	if j.Split != spec.SplitFiles || j.Reduce == nil || j.Shards != 2 || len(j.Reduce.Args) != 1 || j.Reduce.Args[0] != "--reduce" {
		t.Fatalf("wordcount/mapreduce.yaml: %+v", j)
	}
}
