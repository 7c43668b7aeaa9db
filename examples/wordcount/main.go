// Command wordcount counts the words in every file under /inputs.
//
// A word is a run of letters and digits, compared in lower case. The files
// are taken in sorted path order; when OPENSKY_SHARD_COUNT is above 1 a
// shard takes the files whose index modulo the count is its
// OPENSKY_SHARD_INDEX. It writes every "word count" line, sorted by word,
// to /outputs/counts.txt and the ten most frequent words to stdout.
// args[1], when given, replaces /inputs as the directory to read.
//
// When the job splits its inputs itself (OPENSKY_INPUT_SPLIT is set), a
// shard counts every file it is given.
//
// With the argument --reduce (or OPENSKY_REDUCE=1) it is the job's reduce
// step instead: every
// file under /inputs is a map shard's counts.txt ("word count" lines), and
// it writes their sums, in the same form, to /outputs/counts.txt.
package main

import (
	"bufio"
	"cmp"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

const (
	inputsDir  = "/inputs"
	outputsDir = "/outputs"
	topN       = 10
)

func main() {
	dir, reduce := inputsDir, os.Getenv("OPENSKY_REDUCE") == "1"
	for _, a := range os.Args[1:] {
		if a == "--reduce" {
			reduce = true
		} else {
			dir = a
		}
	}
	shard, err := envInt("OPENSKY_SHARD_INDEX", 0)
	if err != nil {
		fail(err)
	}
	count, err := envInt("OPENSKY_SHARD_COUNT", 1)
	if err != nil {
		fail(err)
	}
	if os.Getenv("OPENSKY_INPUT_SPLIT") != "" {
		count = 1 // the orchestrator already gave this shard only its part
	}

	files, err := listFiles(dir)
	if err != nil {
		fail(err)
	}
	counts := map[string]int{}
	for i, f := range files {
		switch {
		case reduce:
			err = sumFile(f, counts)
		case count > 1 && i%count != shard:
			continue
		default:
			err = countFile(f, counts)
		}
		if err != nil {
			fail(err)
		}
	}

	words := slices.Sorted(maps.Keys(counts))
	var b strings.Builder
	for _, w := range words {
		fmt.Fprintf(&b, "%s %d\n", w, counts[w])
	}
	if err := writeOutput("counts.txt", []byte(b.String())); err != nil {
		fail(err)
	}

	slices.SortStableFunc(words, func(a, b string) int { return cmp.Compare(counts[b], counts[a]) })
	for _, w := range words[:min(topN, len(words))] {
		fmt.Printf("%s %d\n", w, counts[w])
	}
}

// listFiles returns the regular files under dir in sorted order.
func listFiles(dir string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			files = append(files, p)
		}
		return nil
	})
	slices.Sort(files)
	return files, err
}

// countFile adds the words of the file at p to counts.
func countFile(p string, counts map[string]int) error {
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		for _, w := range strings.FieldsFunc(sc.Text(), notWordRune) {
			counts[strings.ToLower(w)]++
		}
	}
	return sc.Err()
}

// sumFile adds the "word count" lines of the file at p to counts.
func sumFile(p string, counts map[string]int) error {
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		w, n, ok := strings.Cut(sc.Text(), " ")
		c, err := strconv.Atoi(n)
		if !ok || err != nil || c < 0 {
			return fmt.Errorf("%s:%d: want \"word count\", got %q", p, line, sc.Text())
		}
		counts[w] += c
	}
	return sc.Err()
}

func notWordRune(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }

// envInt reads a non-negative integer variable, def when unset.
func envInt(name string, def int) (int, error) {
	v := os.Getenv(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%s must be a non-negative integer, got %q", name, v)
	}
	return n, nil
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
	fmt.Fprintln(os.Stderr, "wordcount:", err)
	os.Exit(1)
}
