package docker

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/opensky-network/opensky/internal/executor"
)

// TestHostileWorkloads runs attacks a job could try, each in a container
// of its own through one executor, several at once. After each attack,
// and once more when all have run, it checks that the attack was
// contained, that a file on the host outside every mount is unchanged,
// that the executor still runs an ordinary task, and that no container
// of the attack's tasks is left.
func TestHostileWorkloads(t *testing.T) {
	t.Parallel()
	h := newHostileHarness(t)

	attacks := []struct {
		name string
		run  func(t *testing.T, h *hostileHarness)
	}{
		{"fork-bomb", attackForkBomb},
		{"memory-bomb", attackMemoryBomb},
		{"fill-outputs", attackFillOutputs},
		{"fill-tmp", attackFillTmp},
		{"network-egress", attackNetwork},
		{"mount", attackMount},
		{"unshare", attackUnshare},
		{"raw-socket", attackRawSocket},
		{"dev-mem", attackDevMem},
		{"write-outside-outputs", attackWriteOutside},
		{"setuid", attackSetuid},
		{"cross-job", attackCrossJob},
		{"sleep-past-deadline", attackDeadline},
	}
	t.Run("attacks", func(t *testing.T) {
		for _, a := range attacks {
			t.Run(a.name, func(t *testing.T) {
				t.Parallel()
				// Checked even when the attack's own checks stop the test.
				defer func() { h.check(t, h.tasksOf(t)...) }()
				a.run(t, h)
			})
		}
	})

	h.check(t, h.tasksOf(nil)...)
	if left := ownedContainers(t, h.owner); len(left) != 0 {
		t.Errorf("containers of the executor left after all attacks: %v", left)
	}
}

// hostileHarness is the executor under attack and what is checked after
// each attack.
type hostileHarness struct {
	ex    *Executor
	owner string
	// prefix makes the task IDs of this run unique on the engine.
	prefix string

	mu    sync.Mutex
	tasks map[*testing.T][]string // the IDs of the tasks each test ran

	sentinel     string
	sentinelData []byte
	sentinelMode fs.FileMode
}

func newHostileHarness(t *testing.T) *hostileHarness {
	t.Helper()
	h := &hostileHarness{owner: uniqueName(t), prefix: "hostile-" + randomHex(t, 4), tasks: map[*testing.T][]string{}}
	h.ex = newExecutor(t, WithOwner(h.owner))

	h.sentinel = filepath.Join(t.TempDir(), "sentinel")
	h.sentinelData = []byte("sentinel " + randomHex(t, 16) + "\n")
	h.sentinelMode = 0o640
	if err := os.WriteFile(h.sentinel, h.sentinelData, h.sentinelMode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(h.sentinel, h.sentinelMode); err != nil { // whatever the umask
		t.Fatal(err)
	}
	return h
}

// task gives a task an ID unique to this run, records it as one of t's
// and returns it.
func (h *hostileHarness) task(t *testing.T, name string, task *executor.Task) *executor.Task {
	task.ID = h.prefix + "-" + name
	task.JobID = "job-" + h.prefix
	h.mu.Lock()
	h.tasks[t] = append(h.tasks[t], task.ID)
	h.mu.Unlock()
	return task
}

// tasksOf returns the IDs of the tasks t ran, or of all tasks when t is
// nil.
func (h *hostileHarness) tasksOf(t *testing.T) []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var ids []string
	for owner, list := range h.tasks {
		if t == nil || owner == t {
			ids = append(ids, list...)
		}
	}
	return ids
}

// check verifies what must hold after an attack: the sentinel is
// unchanged, an ordinary task runs and exits 0, and no container of the
// attack's tasks (ids) or of that ordinary task is left.
func (h *hostileHarness) check(t *testing.T, ids ...string) {
	t.Helper()
	data, err := os.ReadFile(h.sentinel)
	if err != nil {
		t.Errorf("sentinel: %v", err)
	} else if !bytes.Equal(data, h.sentinelData) {
		t.Errorf("sentinel content changed: %q", data)
	}
	if info, err := os.Stat(h.sentinel); err != nil {
		t.Errorf("sentinel: %v", err)
	} else if info.Mode() != h.sentinelMode {
		t.Errorf("sentinel mode %v, want %v", info.Mode(), h.sentinelMode)
	}

	normal := h.task(t, "normal-"+randomHex(t, 4), static("exit", "0"))
	res, err := h.ex.Run(context.Background(), normal)
	if err != nil {
		t.Errorf("ordinary task after the attack: %v", err)
	} else if res.ExitCode != 0 {
		t.Errorf("ordinary task after the attack exited %d: %s", res.ExitCode, res.Stderr)
	}

	for _, id := range append(ids, normal.ID) {
		if left := taskContainers(t, id); len(left) != 0 {
			t.Errorf("containers of task %s left: %v", id, left)
		}
	}
}

// taskContainers lists the containers, running or not, labelled with a
// task ID, as the docker command shows them. It reports a failure of the
// command without stopping the test, so that it may run while a failed
// test unwinds.
func taskContainers(t *testing.T, id string) []string {
	t.Helper()
	out, err := exec.Command("docker", "ps", "-a", "-q", "--filter", "label="+LabelTask+"="+id).Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			err = fmt.Errorf("%w: %s", err, ee.Stderr)
		}
		t.Errorf("docker ps: %v", err)
		return nil
	}
	return strings.Fields(string(out))
}

func randomHex(t *testing.T, n int) string {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// tryPrelude defines try, which runs a command and prints one line:
// "NAME rc=CODE OUTPUT", the output (stdout and stderr) on one line. It
// writes no file, so that it works with /tmp full.
const tryPrelude = `try() {
	n=$1; shift
	out=$("$@" 2>&1 </dev/null)
	rc=$?
	printf '%s rc=%s %s\n' "$n" "$rc" "$(printf %s "$out" | tr '\n' ' ' | head -c 300)"
}
`

// attempt is the outcome of one try.
type attempt struct {
	rc  int
	out string
}

var tryLine = regexp.MustCompile(`^(\S+) rc=(\d+) ?(.*)$`)

// tries runs task, a busybox script using try, and returns its attempts
// by name and its whole stdout. The script must exit 0 and report every
// attempt in want.
func (h *hostileHarness) tries(t *testing.T, name string, task *executor.Task, want ...string) (map[string]attempt, string) {
	t.Helper()
	res, err := h.ex.Run(context.Background(), task)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if res.ExitCode != 0 {
		t.Fatalf("%s exited %d\nstdout: %s\nstderr: %s", name, res.ExitCode, res.Stdout, res.Stderr)
	}
	got := map[string]attempt{}
	for _, line := range strings.Split(string(res.Stdout), "\n") {
		m := tryLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		rc, _ := strconv.Atoi(m[2])
		got[m[1]] = attempt{rc: rc, out: strings.TrimSpace(m[3])}
	}
	for _, w := range want {
		a, ok := got[w]
		if !ok {
			t.Errorf("%s: attempt %s not reported; stdout:\n%s", name, w, res.Stdout)
			continue
		}
		t.Logf("%s: rc=%d %s", w, a.rc, a.out)
	}
	return got, string(res.Stdout)
}

// denied fails the test unless every attempt named failed (non-zero
// exit) with output containing one of reasons (any output when none are
// given).
func denied(t *testing.T, got map[string]attempt, names []string, reasons ...string) {
	t.Helper()
	for _, n := range names {
		a, ok := got[n]
		if !ok {
			continue // reported by tries
		}
		if a.rc == 0 {
			t.Errorf("%s succeeded: %s", n, a.out)
			continue
		}
		if len(reasons) == 0 {
			continue
		}
		found := false
		for _, r := range reasons {
			found = found || strings.Contains(a.out, r)
		}
		if !found {
			t.Errorf("%s failed for another reason than %q: %s", n, reasons, a.out)
		}
	}
}

// attackForkBomb: processes that each fork two more and then stay,
// growing without bound until forks fail, while the job's first shell
// counts the processes it sees (with shell builtins only, which need no
// fork). The count reaches the pids limit and never passes it, and the
// job ends at its deadline.
func attackForkBomb(t *testing.T, h *hostileHarness) {
	const pids = 64
	task := h.task(t, "fork-bomb", shell(`
mkfifo /tmp/tick; exec 3<>/tmp/tick
bomb() { bomb & bomb & exec sleep 3600; }
bomb 2>/dev/null &
max=0
while :; do
	n=0; for p in /proc/[0-9]*; do n=$((n+1)); done
	[ $n -gt $max ] && max=$n
	echo "procs=$n max=$max"
	read -t 0.2 x <&3
done`))
	task.Limits.Pids = pids
	task.Limits.MilliCPU = 500
	task.Limits.Timeout = 6 * time.Second
	res, err := h.ex.Run(context.Background(), task)
	if err == nil && res.ExitCode == 0 {
		t.Fatalf("fork bomb exited 0 without error")
	}
	if err != nil && !errors.Is(err, executor.ErrTimeout) {
		t.Fatalf("fork bomb: %v", err)
	}
	maxSeen := -1
	for _, line := range strings.Split(string(res.Stdout), "\n") {
		if _, v, ok := strings.Cut(line, " max="); ok {
			if n, err := strconv.Atoi(v); err == nil {
				maxSeen = n
			}
		}
	}
	t.Logf("fork bomb: err %v, exit %d, most processes seen at once %d (limit %d)", err, res.ExitCode, maxSeen, pids)
	if maxSeen < 0 {
		t.Fatalf("the job reported no process count; stdout:\n%s", res.Stdout)
	}
	if maxSeen > pids {
		t.Errorf("%d processes at once under a pids limit of %d", maxSeen, pids)
	}
	if maxSeen < pids/2 {
		t.Errorf("at most %d processes seen: the bomb did not run", maxSeen)
	}
}

// attackMemoryBomb: a job allocating without bound is killed by the
// kernel for its memory limit.
func attackMemoryBomb(t *testing.T, h *hostileHarness) {
	task := h.task(t, "memory-bomb", static("alloc"))
	task.Limits.MemoryBytes = 32 << 20
	res, err := h.ex.Run(context.Background(), task)
	if !errors.Is(err, executor.ErrMemoryLimit) {
		t.Fatalf("memory bomb: err %v, want ErrMemoryLimit", err)
	}
	if !res.OOMKilled {
		t.Errorf("memory bomb not reported OOM-killed (exit %d)", res.ExitCode)
	}
	t.Logf("memory bomb: %v, OOMKilled %t, exit %d", err, res.OOMKilled, res.ExitCode)
}

// attackFillOutputs: a job writing 64 MiB into /outputs under an 8 MiB
// disk limit fails with ErrOutputLimit.
func attackFillOutputs(t *testing.T, h *hostileHarness) {
	task := h.task(t, "fill-outputs", shell(`dd if=/dev/zero of=/outputs/fill bs=1M count=64; sync; echo wrote`))
	task.OutputDir = t.TempDir()
	task.Limits.DiskBytes = 8 << 20
	task.Limits.MemoryBytes = 256 << 20 // page cache is charged to the job
	res, err := h.ex.Run(context.Background(), task)
	if !errors.Is(err, executor.ErrOutputLimit) || errors.Is(err, executor.ErrTimeout) {
		t.Fatalf("filling the outputs: err %v, want ErrOutputLimit", err)
	}
	n, _ := dirSize(task.OutputDir)
	t.Logf("filling the outputs: %v (exit %d, %d bytes in outputs)", err, res.ExitCode, n)
}

// attackFillTmp: a job writing 80 MiB into /tmp is stopped by the size
// of its tmpfs, inside the job.
func attackFillTmp(t *testing.T, h *hostileHarness) {
	task := h.task(t, "fill-tmp", shell(tryPrelude+`
try filltmp dd if=/dev/zero of=/tmp/fill bs=1M count=80
echo "size $(wc -c < /tmp/fill)"
`))
	task.Limits.MemoryBytes = 256 << 20 // room for the full tmpfs, which is charged to the job
	got, _ := h.tries(t, "fill-tmp", task, "filltmp")
	denied(t, got, []string{"filltmp"}, "No space left on device")
}

// attackNetwork: a job has no interface but loopback, and connections
// out fail at once.
func attackNetwork(t *testing.T, h *hostileHarness) {
	task := h.task(t, "network", shell(tryPrelude+`
echo "interfaces $(ls /sys/class/net | tr '\n' ',')"
try tcp-1.1.1.1 nc -w 2 1.1.1.1 80
try tcp-10.0.0.1 nc -w 2 10.0.0.1 80
try wget-1.1.1.1 wget -O /dev/null http://1.1.1.1/
try dns-1.1.1.1 nslookup example.com 1.1.1.1
try tftp-1.1.1.1 tftp -g -r x -l /tmp/x 1.1.1.1
`))
	names := []string{"tcp-1.1.1.1", "tcp-10.0.0.1", "wget-1.1.1.1", "dns-1.1.1.1", "tftp-1.1.1.1"}
	got, stdout := h.tries(t, "network", task, names...)
	denied(t, got, names, "Network is unreachable")
	if !strings.Contains(stdout, "interfaces lo,\n") {
		t.Errorf("interfaces other than lo:\n%s", stdout)
	}
}

// attackMount: mounting anything fails.
func attackMount(t *testing.T, h *hostileHarness) {
	names := []string{"mnt", "tmp", "remount-root", "bind-outputs"}
	task := h.task(t, "mount", shell(tryPrelude+`
try mnt mount -t tmpfs none /mnt
try tmp mount -t tmpfs none /tmp
try remount-root mount -o remount,rw /
try bind-outputs mount --bind / /outputs
`))
	task.OutputDir = t.TempDir()
	got, _ := h.tries(t, "mount", task, names...)
	denied(t, got, names, "permission denied", "Operation not permitted")
}

// attackUnshare: no new namespace of any kind.
func attackUnshare(t *testing.T, h *hostileHarness) {
	names := []string{"user-root", "user", "mount", "pid", "net", "uts"}
	task := h.task(t, "unshare", shell(tryPrelude+`
try user-root unshare -r id -u
try user unshare -U id -u
try mount unshare -m true
try pid unshare -p -f true
try net unshare -n true
try uts unshare -u true
`))
	got, _ := h.tries(t, "unshare", task, names...)
	denied(t, got, names, "Operation not permitted")
}

// attackRawSocket: raw and packet sockets are refused, and with them
// ICMP.
func attackRawSocket(t *testing.T, h *hostileHarness) {
	names := []string{"traceroute", "arping", "ping"}
	task := h.task(t, "raw-socket", shell(tryPrelude+`
try traceroute traceroute -n -m 1 127.0.0.1
try arping arping -c 1 -I lo 127.0.0.1
try ping ping -c 1 -W 1 127.0.0.1
`))
	got, _ := h.tries(t, "raw-socket", task, names...)
	denied(t, got, names, "Operation not permitted", "permission denied")
}

// attackDevMem: physical and kernel memory cannot be read, nor a device
// node for them made.
func attackDevMem(t *testing.T, h *hostileHarness) {
	names := []string{"read", "devmem", "kmem", "mknod-tmp", "mknod-outputs"}
	task := h.task(t, "dev-mem", shell(tryPrelude+`
try read head -c 16 /dev/mem
try devmem devmem 0x1000
try kmem head -c 16 /dev/kmem
try mknod-tmp mknod /tmp/mem c 1 1
try mknod-outputs mknod /outputs/mem c 1 1
try kcore sh -c 'test -s /proc/kcore'
`))
	task.OutputDir = t.TempDir()
	got, _ := h.tries(t, "dev-mem", task, append(names, "kcore")...)
	denied(t, got, names, "No such file or directory", "Operation not permitted", "Permission denied")
	denied(t, got, []string{"kcore"})
	if _, err := os.Lstat(filepath.Join(task.OutputDir, "mem")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a device node was made in the outputs (lstat: %v)", err)
	}
}

// attackWriteOutside: nothing but /outputs (and the private /tmp) can be
// written; the inputs are as they were.
func attackWriteOutside(t *testing.T, h *hostileHarness) {
	names := []string{"root", "inputs", "inputs-file", "passwd", "shell", "etc-hosts", "mkdir-usr"}
	task := h.task(t, "write-outside", shell(tryPrelude+`
try root sh -c 'echo x > /x'
try inputs sh -c 'echo x > /inputs/x'
try inputs-file sh -c 'echo x >> /inputs/in.txt'
try passwd sh -c 'echo "evil:x:0:0::/:/bin/sh" >> /etc/passwd'
try shell sh -c 'echo x > /bin/sh'
try etc-hosts sh -c 'echo 1.2.3.4 evil >> /etc/hosts'
try mkdir-usr mkdir /usr
try outputs sh -c 'echo x > /outputs/ok'
`))
	task.InputDir, task.OutputDir = t.TempDir(), t.TempDir()
	in := filepath.Join(task.InputDir, "in.txt")
	if err := os.WriteFile(in, []byte("input\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, _ := h.tries(t, "write-outside", task, append(names, "outputs")...)
	denied(t, got, names, "Read-only file system", "Permission denied", "read-only")
	if a := got["outputs"]; a.rc != 0 {
		t.Errorf("writing /outputs failed: %s", a.out)
	}
	entries, err := os.ReadDir(task.InputDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != "in.txt" {
		t.Errorf("input directory holds %v, want only in.txt", entries)
	}
	if data, err := os.ReadFile(in); err != nil || string(data) != "input\n" {
		t.Errorf("input file now %q (%v)", data, err)
	}
}

// attackSetuid: a job makes a set-user-ID copy of busybox in /outputs
// and runs it. Inside, no new privileges holds and the copy runs as
// nobody. On the host, the file it leaves may keep the bit, but only
// for the job's own user: running it gains nothing over the job.
func attackSetuid(t *testing.T, h *hostileHarness) {
	task := h.task(t, "setuid", shell(tryPrelude+`
grep NoNewPrivs /proc/self/status
cp /bin/busybox /outputs/busybox
chmod 4755 /outputs/busybox
try setuid-id /outputs/busybox id -u
try setuid-status /outputs/busybox grep -E '^(Uid|CapEff|NoNewPrivs)' /proc/self/status
try chown-root chown 0:0 /outputs/busybox
try su su -c true root
`))
	task.OutputDir = t.TempDir()
	got, stdout := h.tries(t, "setuid", task, "setuid-id", "setuid-status", "chown-root", "su")
	if !regexp.MustCompile(`(?m)^NoNewPrivs:\s*1$`).MatchString(stdout) {
		t.Errorf("the job's own status lacks NoNewPrivs 1:\n%s", stdout)
	}
	res := got["setuid-id"]
	if res.rc != 0 || res.out != "65534" {
		t.Errorf("the set-user-ID copy ran as %q (rc %d), want 65534", res.out, res.rc)
	}
	st := got["setuid-status"].out
	if !regexp.MustCompile(`NoNewPrivs:\s*1`).MatchString(st) || !regexp.MustCompile(`Uid:\s*65534\s+65534\s+65534\s+65534`).MatchString(st) ||
		!regexp.MustCompile(`CapEff:\s*0{16}`).MatchString(st) {
		t.Errorf("the set-user-ID copy's status: %s", st)
	}
	denied(t, got, []string{"chown-root", "su"})

	info, err := os.Stat(filepath.Join(task.OutputDir, "busybox"))
	if err != nil {
		t.Fatalf("the copy was not collected: %v", err)
	}
	sys, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		t.Fatalf("no owner for %s", info.Name())
	}
	t.Logf("collected copy: mode %v, owner %d:%d", info.Mode(), sys.Uid, sys.Gid)
	if info.Mode()&fs.ModeSetuid != 0 && sys.Uid != 65534 {
		t.Errorf("collected file is set-user-ID for uid %d", sys.Uid)
	}
	if info.Mode()&fs.ModeSetgid != 0 && sys.Gid != 65534 {
		t.Errorf("collected file is set-group-ID for gid %d", sys.Gid)
	}
}

// attackCrossJob: job A holds a secret in its outputs and its
// environment and keeps running; job B, at the same time, looks for it
// everywhere it can reach and lists every process it sees. B finds its
// own planted file and its own processes, and nothing of A.
func attackCrossJob(t *testing.T, h *hostileHarness) {
	token := "tok" + randomHex(t, 16)
	a := h.task(t, "cross-a", shell(`echo "$SECRET_TOKEN" > /outputs/secret.txt; echo up; exec sleep 3599`))
	a.Env = map[string]string{"SECRET_TOKEN": token}
	a.OutputDir = t.TempDir()
	up := newSignalWriter("up\n")
	a.Stdout = up

	ctx, cancel := context.WithCancel(context.Background())
	doneA := make(chan error, 1)
	var running sync.WaitGroup
	defer running.Wait() // A's container is gone before the checks
	defer cancel()
	running.Go(func() {
		_, err := h.ex.Run(ctx, a)
		doneA <- err
	})
	select {
	case <-up.seen:
	case err := <-doneA:
		t.Fatalf("job A ended before job B ran: %v", err)
	case <-time.After(safety):
		t.Fatal("job A did not start")
	}
	if data, err := os.ReadFile(filepath.Join(a.OutputDir, "secret.txt")); err != nil || strings.TrimSpace(string(data)) != token {
		t.Fatalf("job A's secret: %q, %v", data, err)
	}

	b := h.task(t, "cross-b", shell(`
echo planted > /tmp/own-secret
echo "== find"
find / \( -path /proc -o -path /sys \) -prune -o -name '*secret*' -print 2>/dev/null
echo "== roots"
find /proc/[0-9]*/root/ \( -path '/proc/*/root/proc' -o -path '/proc/*/root/sys' \) -prune -o -name '*secret*' -print 2>/dev/null
ls /proc/*/root/outputs /proc/*/root/inputs 2>&1
cat /proc/*/root/outputs/* 2>/dev/null
echo "== ps"
ps -o pid,args
echo "== proc"
ls /proc
echo "== cmdline"
for f in /proc/[0-9]*/cmdline; do tr '\0' ' ' < $f; echo; done
echo "== environ"
cat /proc/[0-9]*/environ 2>/dev/null | tr '\0' '\n'
echo "== end"
`))
	res, err := h.ex.Run(context.Background(), b)
	if err != nil || res.ExitCode != 0 {
		t.Fatalf("job B: %v, %+v", err, res)
	}
	select {
	case err := <-doneA:
		t.Fatalf("job A ended while job B ran: %v", err)
	default:
	}
	cancel()
	if err := <-doneA; !errors.Is(err, executor.ErrCancelled) {
		t.Errorf("job A: err %v, want ErrCancelled", err)
	}

	out := string(res.Stdout)
	defer func() {
		if t.Failed() {
			t.Logf("job B saw:\n%s", out)
		}
	}()
	sections := map[string][]string{}
	var cur string
	for _, line := range strings.Split(out, "\n") {
		if name, ok := strings.CutPrefix(line, "== "); ok {
			cur = name
			continue
		}
		if strings.TrimSpace(line) != "" {
			sections[cur] = append(sections[cur], line)
		}
	}
	if !strings.Contains(out, "== end") {
		t.Fatalf("job B did not finish its search")
	}
	if strings.Contains(out, token) {
		t.Errorf("job B found job A's secret")
	}
	if strings.Contains(out, "3599") || strings.Contains(out, "SECRET_TOKEN") {
		t.Errorf("job B saw job A's process")
	}
	if f := sections["find"]; len(f) != 1 || f[0] != "/tmp/own-secret" {
		t.Errorf("find / in job B printed %q, want only its own /tmp/own-secret", f)
	}
	own := false
	for _, line := range sections["roots"] {
		if strings.Contains(line, "secret") && !strings.HasSuffix(line, "/root/tmp/own-secret") {
			t.Errorf("job B reached another root: %s", line)
		}
		own = own || line == "/proc/1/root/tmp/own-secret"
	}
	if !own {
		t.Errorf("job B did not find its own file through /proc/1/root: %q", sections["roots"])
	}
	ps := strings.Join(sections["ps"], "\n")
	if !strings.Contains(ps, "ps -o pid,args") {
		t.Errorf("job B's ps does not list itself: %s", ps)
	}
	if strings.Contains(ps, "sleep") {
		t.Errorf("job B's ps lists job A's process: %s", ps)
	}
}

// attackDeadline: a job sleeping past its deadline is killed for it.
func attackDeadline(t *testing.T, h *hostileHarness) {
	task := h.task(t, "deadline", shell(`sleep 3600`))
	task.Limits.Timeout = 2 * time.Second
	res, err := h.ex.Run(context.Background(), task)
	if !errors.Is(err, executor.ErrTimeout) {
		t.Fatalf("sleeping past the deadline: err %v, want ErrTimeout", err)
	}
	if res == nil || res.ExitCode != 137 {
		t.Errorf("result %+v, want exit 137 (killed)", res)
	}
	t.Logf("sleeping past the deadline: %v", err)
}
