package main

import (
	"fmt"
	"time"
)

// sink keeps the results of busy work alive so that it is not optimised
// away.
var sink uint64

// loop spins on the CPU until the process is stopped.
func loop([]string) int {
	for i := uint64(0); ; i++ {
		sink += i * i
	}
}

// spin spins on the CPU for the duration given, then exits 0.
func spin(args []string) int {
	if len(args) != 1 {
		return fail(fmt.Errorf("spin takes a duration"))
	}
	d, err := time.ParseDuration(args[0])
	if err != nil {
		return fail(err)
	}
	end := time.Now().Add(d)
	for i := uint64(0); time.Now().Before(end); i++ {
		sink += i * i
	}
	return 0
}

// sleep sleeps for the duration given, forever when none is.
func sleep(args []string) int {
	if len(args) == 0 {
		select {}
	}
	d, err := time.ParseDuration(args[0])
	if err != nil {
		return fail(err)
	}
	time.Sleep(d)
	return 0
}

// alloc allocates memory 1 MiB at a time, touching every page and
// keeping all of it, until it is stopped.
func alloc([]string) int {
	var kept [][]byte
	for {
		b := make([]byte, 1<<20)
		for i := 0; i < len(b); i += 4096 {
			b[i] = 1
		}
		kept = append(kept, b)
	}
}
