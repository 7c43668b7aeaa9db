package polkadottest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// rpcPort is the node's HTTP RPC port inside its namespace.
const rpcPort = 9944

// readyTimeout bounds the wait for the first finalized block (usually
// 12-16 s after start).
const readyTimeout = 3 * time.Minute

// maxSocketPath is the longest path a Unix socket address holds.
const maxSocketPath = 107

// Node is a running Gossamer westend-dev node in its own network
// namespace.
type Node struct {
	// URL is the node's HTTP JSON-RPC endpoint for HTTPClient; the host
	// part is ignored, every connection goes to Socket.
	URL string
	// HTTPClient dials Socket.
	HTTPClient *http.Client
	// Socket is the Unix socket forwarded to the node's RPC port.
	Socket string
	// Log is the file that collects the node's output.
	Log string
	// BasePath is the node's data directory.
	BasePath string

	args []string // the node's binary and arguments

	mu        sync.Mutex
	cmd       *exec.Cmd
	exited    chan struct{} // closed when cmd has exited
	exitCode  int
	finalized uint64 // the highest finalized number seen
}

// Start runs a node and waits until it has finalized a block above
// genesis. The node is stopped when the test ends; if the test failed, the
// tail of the node's log is printed. The test is skipped when namespaces
// are not permitted (see the message for the sysctl) or no binary can be
// had.
func Start(t testing.TB) *Node {
	t.Helper()
	bin, spec := Binary(t)
	dir := t.TempDir()
	sock := filepath.Join(dir, "rpc.sock")
	if len(sock) > maxSocketPath {
		short, err := os.MkdirTemp("", "pdt")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.RemoveAll(short) })
		sock = filepath.Join(short, "rpc.sock")
	}
	n := &Node{
		URL:      "http://gossamer/",
		Socket:   sock,
		Log:      filepath.Join(dir, "gossamer.log"),
		BasePath: filepath.Join(dir, "base"),
	}
	n.args = []string{bin, "--chain", spec, "--base-path", n.BasePath,
		"--key", "alice", "--role", "authority", "--unsafe-rpc", "--rpc-port", strconv.Itoa(rpcPort),
		"--grandpa-interval", "1s", "--public-ip", "127.0.0.1",
		"--no-bootstrap", "--no-mdns", "--no-telemetry"}
	n.HTTPClient = &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
				var d net.Dialer
				return d.DialContext(ctx, "unix", sock)
			},
			// A node restarted behind the same socket must not be reached
			// through a connection to its previous run.
			DisableKeepAlives: true,
		},
	}
	t.Cleanup(func() {
		n.Stop()
		if t.Failed() {
			t.Logf("polkadottest: tail of %s:\n%s", n.Log, n.tail(6000))
		}
	})
	n.launch(t)
	n.waitFinality(t, 0)
	return n
}

// Stop sends SIGTERM and waits for the node to exit (killing it after
// 30 s). The socket file stays, so calls fail at once with "connection
// refused". Stop is safe to call twice.
func (n *Node) Stop() {
	n.mu.Lock()
	cmd, exited := n.cmd, n.exited
	n.mu.Unlock()
	if cmd == nil {
		return
	}
	select {
	case <-exited:
		return
	default:
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	if num, err := n.finalizedNumber(ctx); err == nil {
		n.noteFinalized(num)
	}
	cancel()
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(stopGrace + 10*time.Second):
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-exited
	}
}

// Restart starts the node again on the same base path and socket and
// waits until it answers and finalizes a block above the last one seen
// before it stopped.
func (n *Node) Restart(t testing.TB) {
	t.Helper()
	n.Stop()
	n.launch(t)
	n.mu.Lock()
	above := n.finalized
	n.mu.Unlock()
	n.waitFinality(t, above)
}

// launch re-executes the test binary in a new network namespace to run
// the node.
func (n *Node) launch(t testing.TB) {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	logf, err := os.OpenFile(n.Log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer logf.Close()
	cmd := exec.Command(self, n.args...)
	cmd.Env = append(os.Environ(), envChild+"=1", envSocket+"="+n.Socket, envPort+"="+strconv.Itoa(rpcPort))
	cmd.Stdout, cmd.Stderr = logf, logf
	attr := &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNET, Pdeathsig: syscall.SIGKILL, Setpgid: true}
	if os.Geteuid() != 0 {
		// Unprivileged: a user namespace, in which the caller is root,
		// owns the new network namespace.
		attr.Cloneflags |= syscall.CLONE_NEWUSER
		attr.UidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getuid(), Size: 1}}
		attr.GidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getgid(), Size: 1}}
		attr.GidMappingsEnableSetgroups = false
	}
	cmd.SysProcAttr = attr
	if err := cmd.Start(); err != nil {
		if errors.Is(err, syscall.EPERM) || errors.Is(err, syscall.EACCES) || errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EINVAL) {
			unavailable(t, "cannot create a network namespace (%v): %s", err, namespaceHint)
		}
		t.Fatalf("polkadottest: start: %v", err)
	}
	exited := make(chan struct{})
	n.mu.Lock()
	n.cmd, n.exited = cmd, exited
	n.mu.Unlock()
	go func() {
		err := cmd.Wait()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		}
		n.mu.Lock()
		n.exitCode = code
		n.mu.Unlock()
		close(exited)
	}()
}

// namespaceHint says how to allow namespaces.
const namespaceHint = "run as root, or allow unprivileged user namespaces " +
	"(sysctl user.max_user_namespaces > 0, kernel.unprivileged_userns_clone=1, and on Ubuntu 23.10 and later " +
	"sysctl -w kernel.apparmor_restrict_unprivileged_userns=0)"

// waitFinality polls until the node has finalized a block above above.
func (n *Node) waitFinality(t testing.TB, above uint64) {
	t.Helper()
	n.mu.Lock()
	exited := n.exited
	n.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), readyTimeout)
	defer cancel()
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	var lastErr error
	for {
		select {
		case <-exited:
			n.mu.Lock()
			code := n.exitCode
			n.mu.Unlock()
			if code == exitNoPrivilege {
				unavailable(t, "the network namespace gives no right to bring lo up: %s", namespaceHint)
			}
			t.Fatalf("polkadottest: node exited with status %d before finalizing a block; tail of %s:\n%s", code, n.Log, n.tail(6000))
		case <-ctx.Done():
			t.Fatalf("polkadottest: no finalized block above %d within %v (last error: %v); tail of %s:\n%s",
				above, readyTimeout, lastErr, n.Log, n.tail(6000))
		case <-tick.C:
		}
		num, err := n.finalizedNumber(ctx)
		if err != nil {
			lastErr = err
			continue
		}
		n.noteFinalized(num)
		if num > above {
			return
		}
	}
}

func (n *Node) noteFinalized(num uint64) {
	n.mu.Lock()
	n.finalized = max(n.finalized, num)
	n.mu.Unlock()
}

// finalizedNumber asks the node for its finalized block's number.
func (n *Node) finalizedNumber(ctx context.Context) (uint64, error) {
	var hash string
	if err := n.call(ctx, &hash, "chain_getFinalizedHead"); err != nil {
		return 0, err
	}
	var hdr struct {
		Number string `json:"number"`
	}
	if err := n.call(ctx, &hdr, "chain_getHeader", hash); err != nil {
		return 0, err
	}
	return strconv.ParseUint(strings.TrimPrefix(hdr.Number, "0x"), 16, 64)
}

// call makes one JSON-RPC call; the harness needs only these two.
func (n *Node) call(ctx context.Context, out any, method string, params ...any) error {
	if params == nil {
		params = []any{}
	}
	body, err := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 1, "method": method, "params": params})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, n.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := n.HTTPClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var r struct {
		Result json.RawMessage `json:"result"`
		Error  *struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(nil, resp.Body, 1<<20)).Decode(&r); err != nil {
		return fmt.Errorf("%s: %w", method, err)
	}
	if r.Error != nil {
		return fmt.Errorf("%s: %s", method, r.Error.Message)
	}
	return json.Unmarshal(r.Result, out)
}

// tail returns the end of the node's log.
func (n *Node) tail(limit int) string {
	b, err := os.ReadFile(n.Log)
	if err != nil {
		return err.Error()
	}
	return string(tail(b, limit))
}
