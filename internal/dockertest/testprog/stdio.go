package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"sort"
	"strconv"
)

// echo prints each argument and $GREETING on a line, then its stdin
// verbatim, and writes "warn" to stderr.
func echo(args []string) int {
	var out bytes.Buffer
	for _, a := range args {
		out.WriteString(a + "\n")
	}
	out.WriteString(os.Getenv("GREETING") + "\n")
	if _, err := io.Copy(&out, os.Stdin); err != nil {
		return fail(err)
	}
	if _, err := os.Stdout.Write(out.Bytes()); err != nil {
		return fail(err)
	}
	fmt.Fprint(os.Stderr, "warn\n")
	return 0
}

// env prints the environment sorted.
func env([]string) int {
	vars := os.Environ()
	sort.Strings(vars)
	for _, kv := range vars {
		fmt.Println(kv)
	}
	return 0
}

// exit exits with the code given.
func exit(args []string) int {
	if len(args) != 1 {
		return fail(fmt.Errorf("exit takes one code"))
	}
	code, err := strconv.Atoi(args[0])
	if err != nil {
		return fail(err)
	}
	return code
}

// random prints 32 bytes of a ChaCha8 stream keyed by the SHA-256 of
// $OPENSKY_SEED, so that runs with the same seed print the same bytes.
func random([]string) int {
	seed, err := strconv.ParseUint(os.Getenv("OPENSKY_SEED"), 10, 64)
	if err != nil {
		return fail(fmt.Errorf("OPENSKY_SEED: %w", err))
	}
	h := sha256.New()
	h.Write([]byte("opensky/testprog/random/v1"))
	h.Write(binary.BigEndian.AppendUint64(nil, seed))
	var key [32]byte
	h.Sum(key[:0])
	buf := make([]byte, 32)
	if _, err := rand.NewChaCha8(key).Read(buf); err != nil {
		return fail(err)
	}
	fmt.Println(hex.EncodeToString(buf))
	return 0
}

// flood writes N bytes (default 8 MiB) of 'x' to stdout.
func flood(args []string) int {
	n := int64(8 << 20)
	if len(args) > 0 {
		v, err := strconv.ParseInt(args[0], 10, 64)
		if err != nil {
			return fail(err)
		}
		n = v
	}
	chunk := bytes.Repeat([]byte("x"), 64<<10)
	for n > 0 {
		c := chunk[:min(int64(len(chunk)), n)]
		if _, err := os.Stdout.Write(c); err != nil {
			return fail(err)
		}
		n -= int64(len(c))
	}
	return 0
}
