// Package nsnode starts a Gossamer node in a fresh network namespace that
// has only a loopback interface, and reaches its HTTP RPC port through a
// Unix socket: path-bound Unix sockets live in the file system, not in a
// network namespace, so the calling process never leaves its own namespace.
package nsnode

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// ChildEnv marks the re-executed helper process.
const ChildEnv = "NSNODE_CHILD"

// Node is a running Gossamer inside its own network namespace.
type Node struct {
	cmd    *exec.Cmd
	Socket string
	Log    string
}

// Start re-executes the current binary as the namespace helper. args are
// the Gossamer binary followed by its arguments; rpcPort is the node's HTTP
// RPC port inside the namespace.
func Start(dir string, rpcPort int, args ...string) (*Node, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	sock := filepath.Join(dir, "rpc.sock")
	logPath := filepath.Join(dir, "node.log")
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer logf.Close()
	cmd := exec.Command(self, args...)
	cmd.Env = append(os.Environ(), ChildEnv+"=1", fmt.Sprintf("NSNODE_SOCK=%s", sock), fmt.Sprintf("NSNODE_PORT=%d", rpcPort))
	cmd.Stdout, cmd.Stderr = logf, logf
	attr := &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNET, Pdeathsig: syscall.SIGKILL, Setpgid: true}
	if os.Geteuid() != 0 {
		// Unprivileged: a user namespace owns the new network namespace.
		attr.Cloneflags |= syscall.CLONE_NEWUSER
		attr.UidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getuid(), Size: 1}}
		attr.GidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getgid(), Size: 1}}
		attr.GidMappingsEnableSetgroups = false
	}
	cmd.SysProcAttr = attr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start namespace helper: %w", err)
	}
	return &Node{cmd: cmd, Socket: sock, Log: logPath}, nil
}

// HTTPClient returns a client whose every connection goes to the socket.
func (n *Node) HTTPClient() *http.Client {
	var d net.Dialer
	return &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
				return d.DialContext(ctx, "unix", n.Socket)
			},
		},
	}
}

// Stop kills the helper and Gossamer (one process group).
func (n *Node) Stop() error {
	if n.cmd.Process == nil {
		return nil
	}
	_ = syscall.Kill(-n.cmd.Process.Pid, syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- n.cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(10 * time.Second):
		_ = syscall.Kill(-n.cmd.Process.Pid, syscall.SIGKILL)
		return <-done
	}
}

// Child runs inside the namespace: loopback up, Gossamer started, Unix
// socket forwarded to 127.0.0.1:port. It never returns.
func Child() {
	err := child()
	fmt.Fprintln(os.Stderr, "nsnode child:", err)
	os.Exit(1)
}

func child() error {
	if err := loopbackUp(); err != nil {
		return fmt.Errorf("loopback: %w", err)
	}
	args := os.Args[1:]
	if len(args) == 0 {
		return errors.New("no command")
	}
	g := exec.Command(args[0], args[1:]...)
	g.Stdout, g.Stderr = os.Stdout, os.Stderr
	g.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := g.Start(); err != nil {
		return err
	}
	sock := os.Getenv("NSNODE_SOCK")
	_ = os.Remove(sock)
	ln, err := net.Listen("unix", sock)
	if err != nil {
		return err
	}
	target := "127.0.0.1:" + os.Getenv("NSNODE_PORT")
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go forward(c, target)
		}
	}()
	return g.Wait()
}

func forward(c net.Conn, target string) {
	defer c.Close()
	u, err := net.DialTimeout("tcp", target, 5*time.Second)
	if err != nil {
		fmt.Fprintln(os.Stderr, "nsnode forward:", err)
		return
	}
	defer u.Close()
	go func() { _, _ = io.Copy(u, c); u.(*net.TCPConn).CloseWrite() }()
	_, _ = io.Copy(c, u)
}

// loopbackUp sets IFF_UP on lo, as "ip link set lo up" does.
func loopbackUp() error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq("lo")
	if err != nil {
		return err
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr); err != nil {
		return err
	}
	ifr.SetUint16(ifr.Uint16() | unix.IFF_UP)
	return unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr)
}
