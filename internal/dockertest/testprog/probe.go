package main

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"runtime"
	"strings"
	"syscall"
	"time"
)

// probe prints what the process is and what it may do, one key=value a
// line. Each attempt prints "allowed" or "denied: <error>".
func probe([]string) int {
	fmt.Printf("uid=%d\n", os.Getuid())
	fmt.Printf("gid=%d\n", os.Getgid())
	printStatus("CapEff", "CapPrm", "CapBnd", "NoNewPrivs", "Seccomp")
	fmt.Printf("interfaces=%s\n", interfaces())
	attempt("dial", func() error {
		c, err := net.DialTimeout("tcp", "192.0.2.1:80", 2*time.Second)
		if err == nil {
			c.Close()
		}
		return err
	})
	attempt("rawsocket", func() error {
		fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_RAW, syscall.IPPROTO_ICMP)
		if err == nil {
			syscall.Close(fd)
		}
		return err
	})
	attempt("writeroot", func() error { return os.WriteFile("/probe", []byte("x"), 0o644) })
	attempt("writeinputs", func() error { return os.WriteFile("/inputs/probe", []byte("x"), 0o644) })
	attempt("writetmp", func() error { return os.WriteFile("/tmp/probe", []byte("x"), 0o644) })
	attempt("mount", tryMount)
	attempt("unshare", tryUnshare)
	attempt("devmem", func() error {
		f, err := os.Open("/dev/mem")
		if err == nil {
			f.Close()
		}
		return err
	})
	return 0
}

// tryMount mounts a tmpfs on a fresh directory and, when that works,
// unmounts it again at once, so that the probe leaves nothing behind
// wherever it runs.
func tryMount() error {
	dir, err := os.MkdirTemp("", "probe-mount")
	if err != nil {
		return err
	}
	defer os.Remove(dir)
	if err := syscall.Mount("none", dir, "tmpfs", 0, "size=4k"); err != nil {
		return err
	}
	return syscall.Unmount(dir, 0)
}

// tryUnshare asks for a new mount namespace on a thread of its own; the
// thread is never handed back to the runtime, so even where it works it
// changes nothing for the rest of the process.
func tryUnshare() error {
	done := make(chan error)
	go func() {
		runtime.LockOSThread() // not unlocked: the thread ends with the goroutine
		done <- syscall.Unshare(syscall.CLONE_NEWNS)
	}()
	return <-done
}

// attempt runs try and prints its outcome under name.
func attempt(name string, try func() error) {
	if err := try(); err != nil {
		fmt.Printf("%s=denied: %v\n", name, err)
		return
	}
	fmt.Printf("%s=allowed\n", name)
}

// printStatus prints the named fields of /proc/self/status.
func printStatus(fields ...string) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		fmt.Printf("status=denied: %v\n", err)
		return
	}
	defer f.Close()
	want := map[string]bool{}
	for _, k := range fields {
		want[k] = true
	}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && want[k] {
			fmt.Printf("%s=%s\n", k, strings.TrimSpace(v))
		}
	}
}

// interfaces returns the names of the network interfaces, comma
// separated.
func interfaces() string {
	ifs, err := net.Interfaces()
	if err != nil {
		return "error: " + err.Error()
	}
	names := make([]string, 0, len(ifs))
	for _, i := range ifs {
		names = append(names, i.Name)
	}
	return strings.Join(names, ",")
}
