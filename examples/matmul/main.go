// Command matmul multiplies two deterministic N×N integer matrices.
//
// N is args[1] (default 100). A[i][j] = (i+2j) mod 10 and
// B[i][j] = (3i+j) mod 10, so every run and every replica compute the
// same product C = A·B. It writes C to /outputs/c.txt, one row per line,
// and "checksum <sha256 of c.txt>" to stdout.
package main

import (
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

const (
	outputsDir = "/outputs"
	defaultN   = 100
	maxN       = 4096
)

func main() {
	n := defaultN
	if len(os.Args) > 1 {
		v, err := strconv.Atoi(os.Args[1])
		if err != nil || v <= 0 || v > maxN {
			fail(fmt.Errorf("N must be an integer in 1..%d, got %q", maxN, os.Args[1]))
		}
		n = v
	}
	a, b := matrix(n, 1, 2), matrix(n, 3, 1)
	c := multiply(a, b, n)
	text := format(c, n)
	if err := writeOutput("c.txt", []byte(text)); err != nil {
		fail(err)
	}
	fmt.Printf("checksum %x\n", sha256.Sum256([]byte(text)))
}

// matrix returns the n×n matrix with element (i, j) = (p·i + q·j) mod 10,
// row-major.
func matrix(n, p, q int) []int64 {
	m := make([]int64, n*n)
	for i := range n {
		for j := range n {
			m[i*n+j] = int64((p*i + q*j) % 10)
		}
	}
	return m
}

// multiply returns a·b for row-major n×n matrices.
func multiply(a, b []int64, n int) []int64 {
	c := make([]int64, n*n)
	for i := range n {
		row := c[i*n : (i+1)*n]
		for k := range n {
			aik := a[i*n+k]
			for j, bkj := range b[k*n : (k+1)*n] {
				row[j] += aik * bkj
			}
		}
	}
	return c
}

// format writes each row as space-separated numbers on its own line.
func format(m []int64, n int) string {
	var sb strings.Builder
	for i := range n {
		for j := range n {
			if j > 0 {
				sb.WriteByte(' ')
			}
			sb.WriteString(strconv.FormatInt(m[i*n+j], 10))
		}
		sb.WriteByte('\n')
	}
	return sb.String()
}

// writeOutput writes name under the outputs directory; run natively,
// without one, it only says so.
func writeOutput(name string, data []byte) error {
	if _, err := os.Stat(outputsDir); err != nil {
		fmt.Fprintf(os.Stderr, "no %s directory; not writing %s\n", outputsDir, name)
		return nil
	}
	return os.WriteFile(filepath.Join(outputsDir, name), data, 0o644)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "matmul:", err)
	os.Exit(1)
}
