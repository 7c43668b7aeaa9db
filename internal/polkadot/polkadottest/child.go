package polkadottest

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// Environment of the re-executed test binary that runs the node.
const (
	envChild  = "OPENSKY_POLKADOTTEST_CHILD"
	envSocket = "OPENSKY_POLKADOTTEST_SOCKET"
	envPort   = "OPENSKY_POLKADOTTEST_PORT"
)

// exitNoPrivilege is the child's exit code when the namespace gives it no
// right to configure its loopback interface.
const exitNoPrivilege = 77

// stopGrace is how long the node has to shut down after SIGTERM.
const stopGrace = 20 * time.Second

// Main runs the tests, or, in the process Start re-executes inside the new
// network namespace, the node. Call it from TestMain:
//
//	func TestMain(m *testing.M) { polkadottest.Main(m) }
func Main(m *testing.M) {
	if os.Getenv(envChild) == "1" {
		os.Exit(runChild(os.Args[1:]))
	}
	os.Exit(m.Run())
}

// runChild brings the loopback interface up, starts the node (args are
// its binary and arguments), forwards the Unix socket to the node's RPC
// port, passes SIGTERM on, and exits with the node.
func runChild(args []string) int {
	logf := func(format string, a ...any) { fmt.Fprintf(os.Stderr, "polkadottest child: "+format+"\n", a...) }
	if len(args) == 0 {
		logf("no command")
		return 2
	}
	if err := loopbackUp(); err != nil {
		logf("bringing lo up: %v", err)
		if errors.Is(err, unix.EPERM) || errors.Is(err, unix.EACCES) {
			return exitNoPrivilege
		}
		return 1
	}
	sock, target := os.Getenv(envSocket), net.JoinHostPort("127.0.0.1", os.Getenv(envPort))
	_ = os.Remove(sock) // left by a previous run on the same path
	ln, err := net.Listen("unix", sock)
	if err != nil {
		logf("listen %s: %v", sock, err)
		return 1
	}
	// Exiting without Close leaves the socket file in place, so that
	// clients of a stopped node are refused rather than lost.
	ln.(*net.UnixListener).SetUnlinkOnClose(false)

	node := exec.Command(args[0], args[1:]...)
	node.Stdout, node.Stderr = os.Stdout, os.Stderr
	node.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := node.Start(); err != nil {
		logf("start %s: %v", args[0], err)
		return 1
	}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		<-sigs
		_ = node.Process.Signal(syscall.SIGTERM)
		time.Sleep(stopGrace)
		logf("node did not stop within %v; killing it", stopGrace)
		_ = node.Process.Kill()
	}()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go forward(c, target)
		}
	}()
	err = node.Wait()
	logf("node exited: %v", err)
	if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() > 0 {
		return ee.ExitCode()
	}
	return 0
}

// forward copies bytes both ways between a socket client and the node.
func forward(c net.Conn, target string) {
	defer c.Close()
	u, err := net.DialTimeout("tcp", target, 5*time.Second)
	if err != nil {
		return // the node is not listening yet; the client sees EOF
	}
	defer u.Close()
	go func() {
		_, _ = io.Copy(u, c)
		_ = u.(*net.TCPConn).CloseWrite()
	}()
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
