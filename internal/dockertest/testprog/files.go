package main

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
)

// copyFile copies /inputs/in.txt upper-cased to /outputs/out.txt, then
// tries to create /inputs/x: when that fails it says so on stderr and
// exits 0; when it succeeds it exits 3.
func copyFile([]string) int {
	in, err := os.ReadFile("/inputs/in.txt")
	if err != nil {
		return fail(err)
	}
	if err := os.WriteFile("/outputs/out.txt", bytes.ToUpper(in), 0o644); err != nil {
		return fail(err)
	}
	if err := os.WriteFile("/inputs/x", []byte("x"), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "inputs are read-only:", err)
		return 0
	}
	fmt.Fprintln(os.Stderr, "wrote /inputs/x")
	return 3
}

// fill writes N bytes to /outputs/fill.bin.
func fill(args []string) int {
	if len(args) != 1 {
		return fail(fmt.Errorf("fill takes a byte count"))
	}
	n, err := strconv.ParseInt(args[0], 10, 64)
	if err != nil {
		return fail(err)
	}
	f, err := os.Create("/outputs/fill.bin")
	if err != nil {
		return fail(err)
	}
	chunk := make([]byte, 1<<20)
	for n > 0 {
		c := chunk[:min(int64(len(chunk)), n)]
		if _, err := f.Write(c); err != nil {
			return fail(err)
		}
		n -= int64(len(c))
	}
	if err := f.Close(); err != nil {
		return fail(err)
	}
	return 0
}
