// Command testprog is the program inside the opensky-test/static image. Its
// first argument selects a fixture behaviour; the executor tests use it to
// check exit codes, stdio, files, limits and the container's hardening.
//
//	echo ARG...   print each ARG and $GREETING on a line, copy stdin, "warn" to stderr
//	env           print the environment, one variable a line, sorted
//	exit N        exit with code N
//	loop          spin on the CPU until stopped
//	spin D        spin on the CPU for duration D, then exit 0
//	sleep D       sleep for duration D (forever when omitted)
//	alloc         allocate memory without bound, keeping all of it
//	copy          copy /inputs/in.txt upper-cased to /outputs/out.txt, try to write /inputs
//	random        print 32 bytes drawn from a generator seeded by $OPENSKY_SEED, in hex
//	flood [N]     write N bytes (default 8 MiB) to stdout
//	fill N        write N bytes to /outputs/fill.bin
//	probe         print what the process is and may do, one key=value a line
package main

import (
	"fmt"
	"os"
	"sort"
	"strings"
)

// behaviours maps a command name to its implementation; each returns the
// process exit code.
var behaviours = map[string]func(args []string) int{
	"echo":   echo,
	"env":    env,
	"exit":   exit,
	"loop":   loop,
	"spin":   spin,
	"sleep":  sleep,
	"alloc":  alloc,
	"copy":   copyFile,
	"random": random,
	"flood":  flood,
	"fill":   fill,
	"probe":  probe,
}

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	run, ok := behaviours[os.Args[1]]
	if !ok {
		usage()
	}
	os.Exit(run(os.Args[2:]))
}

func usage() {
	names := make([]string, 0, len(behaviours))
	for n := range behaviours {
		names = append(names, n)
	}
	sort.Strings(names)
	fmt.Fprintf(os.Stderr, "usage: testprog %s [ARG...]\n", strings.Join(names, "|"))
	os.Exit(2)
}

// fail reports err on stderr and returns exit code 1.
func fail(err error) int {
	fmt.Fprintln(os.Stderr, "testprog:", err)
	return 1
}
